/*
 * 批量导入 (registry:write): choose a CSV file, dry-run it, read the counts
 * and the rejected rows, then commit the same file and read the result.
 * The file is checked against the server's 16 MiB body cap for CSV imports before sending.
 */
import { computed, ref, shallowRef } from 'vue'
import { importUnit } from '@/api/registry'
import type { ImportMode, ImportReport } from '@/api/registry'
import { t } from '@/i18n'
import { showError } from '@/utils/feedback'
import { importFileProblem, importRows } from './unitIo'

export type ImportStep = 'choose' | 'checked' | 'done'

export function useUnitImport(onCommitted: () => void | Promise<void>) {
  const visible = ref(false)
  const file = shallowRef<File | null>(null)
  const problem = ref<string | null>(null)
  const report = ref<ImportReport | null>(null)
  const busy = ref(false)
  const step = computed<ImportStep>(() =>
    !report.value ? 'choose' : report.value.mode === 'dry-run' ? 'checked' : 'done')
  const errorRows = computed(() => importRows(report.value?.errors ?? [], t))
  const warningRows = computed(() => importRows(report.value?.warnings ?? [], t))

  function open(): void {
    reset()
    visible.value = true
  }

  function reset(): void {
    file.value = null
    problem.value = null
    report.value = null
  }

  function choose(f: File | null): void {
    report.value = null
    file.value = f
    const p = importFileProblem(f)
    problem.value = p && f ? t(p) : null
  }

  async function run(mode: ImportMode): Promise<void> {
    const p = importFileProblem(file.value)
    if (p) {
      problem.value = t(p)
      return
    }
    busy.value = true
    try {
      report.value = await importUnit(file.value!, mode)
      if (mode === 'commit')
        await onCommitted()
    } catch (e) {
      await showError(e)
    } finally {
      busy.value = false
    }
  }

  return {
    visible, file, problem, report, busy, step, errorRows, warningRows,
    open, reset, choose, dryRun: () => run('dry-run'), commit: () => run('commit'),
  }
}

export type UnitImportCtl = ReturnType<typeof useUnitImport>
