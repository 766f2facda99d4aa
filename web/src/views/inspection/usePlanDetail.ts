/*
 * One plan: the record with its version, the quota preview, the tasks of
 * a drawn plan, and the steps of its life (approve, commit, beacon,
 * cancel, close, reassign), each a server call whose answer replaces the
 * record.  docs/modules/inspection.md.
 */
import { computed, reactive, ref } from 'vue'
import { ElMessageBox } from 'element-plus'
import {
  approvePlan, cancelPlan, closePlan, commitPlan, enterBeacon, getBundleText, getPlan, listPlanTask, previewPlan,
  reassignTask,
} from '@/api/inspectionPlan'
import type { Plan, Preview, Task } from '@/api/inspectionPlan'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'
import { t } from '@/i18n'
import { planActions, stepOf } from './plans'

export function usePlanDetail(id: () => string) {
  const user = useUserStore()
  const plan = ref<Plan | null>(null)
  const preview = ref<Preview | null>(null)
  const tasks = ref<Task[]>([])
  const taskTotal = ref(0)
  const taskQuery = reactive({ status: '', offset: 0, limit: 20 })
  const loading = ref(false)
  const busy = ref(false)
  const beacon = ref('')
  const beaconError = ref('')

  const step = computed(() => (plan.value ? stepOf(plan.value) : 0))
  const actions = computed(() => (plan.value
    ? planActions(plan.value, (p) => user.can(p), user.me?.user.id ?? '') : []))
  const drawn = computed(() => !!plan.value?.drawn_at)

  async function loadTasks(): Promise<void> {
    if (!drawn.value)
      return
    try {
      const r = await listPlanTask(id(), { status: taskQuery.status || undefined, offset: taskQuery.offset,
        limit: taskQuery.limit })
      tasks.value = r.items
      taskTotal.value = r.page.total
    } catch (e) {
      await showError(e)
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      plan.value = (await getPlan(id())).data
      if (!plan.value.committed_at)
        preview.value = await previewPlan(id())
      await loadTasks()
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  /* Run a step; its answer is the new record. */
  async function run(fn: () => Promise<{ data: Plan }>, done: string): Promise<boolean> {
    busy.value = true
    try {
      plan.value = (await fn()).data
      success(done)
      await loadTasks()
      return true
    } catch (e) {
      await showError(e, { onReload: load })
      return false
    } finally {
      busy.value = false
    }
  }

  async function approve(): Promise<void> {
    const p = plan.value!
    await run(() => approvePlan(p.id, p.version), t('plans.approved'))
  }

  async function commit(): Promise<void> {
    const p = plan.value!
    try {
      await ElMessageBox.confirm(t('plans.commitConfirm'), t('plans.commit'), { type: 'warning' })
    } catch {
      return
    }
    await run(() => commitPlan(p.id, p.version), t('plans.committed'))
  }

  async function submitBeacon(): Promise<void> {
    beaconError.value = ''
    const v = beacon.value.trim()
    if (!v) {
      beaconError.value = t('rules.required', { field: t('plans.beaconValue') })
      return
    }
    busy.value = true
    try {
      const r = await enterBeacon(plan.value!.id, v)
      plan.value = r.data
      beacon.value = ''
      success(r.data.drawn ? t('plans.drawnNow') : t('plans.beaconRecorded'))
      await loadTasks()
    } catch (e) {
      const fields: Record<string, string> = { value: '' }
      await showError(e, { fields, formFields: ['value'] })
      beaconError.value = fields.value ?? ''
    } finally {
      busy.value = false
    }
  }

  async function cancel(): Promise<void> {
    const p = plan.value!
    let reason = ''
    try {
      const r = await ElMessageBox.prompt(t('plans.cancelReason'), t('plans.cancel'), {
        inputValidator: (v: string) => (v.trim().length >= 4 ? true : t('plans.reasonTooShort')),
        type: 'warning',
      })
      reason = (r as { value: string }).value.trim()
    } catch {
      return
    }
    await run(() => cancelPlan(p.id, p.version, reason), t('plans.cancelled'))
  }

  async function close(): Promise<void> {
    const p = plan.value!
    await run(() => closePlan(p.id, p.version), t('plans.closed'))
  }

  async function reassign(task: Task, inspectors: string[], reason: string): Promise<boolean> {
    busy.value = true
    try {
      await reassignTask(task.id, task.version, inspectors, reason)
      success(t('plans.reassigned'))
      await loadTasks()
      return true
    } catch (e) {
      await showError(e, { onReload: loadTasks })
      return false
    } finally {
      busy.value = false
    }
  }

  /* Save the bundle as a file, exactly as the server wrote it. */
  async function downloadBundle(full: boolean): Promise<void> {
    try {
      const text = await getBundleText(plan.value!.id, full)
      const a = document.createElement('a')
      a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
      a.download = `draw-${plan.value!.id}${full ? '-full' : ''}.json`
      a.click()
      URL.revokeObjectURL(a.href)
    } catch (e) {
      await showError(e)
    }
  }

  return {
    plan, preview, tasks, taskTotal, taskQuery, loading, busy, beacon, beaconError, step, actions, drawn,
    load, loadTasks, approve, commit, submitBeacon, cancel, close, reassign, downloadBundle,
  }
}
