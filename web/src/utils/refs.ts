/* A function template ref that fills a composable's Ref: :ref="bindRef(formRef)". */
import type { Ref } from 'vue'

export function bindRef<T>(r: Ref<T | undefined>): (el: unknown) => void {
  return (el) => {
    r.value = (el ?? undefined) as T | undefined
  }
}
