/*
 * ECharts core with only the charts and components the console draws
 * (bar and pie, grid, tooltip, legend), rendered on canvas.
 */
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }
export type { ComposeOption } from 'echarts/core'
export type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts'
export type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
