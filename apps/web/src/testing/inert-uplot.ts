/**
 * An inert stand-in for uPlot in jsdom tests of pages that contain charts (jsdom has no canvas).
 * Use: `vi.mock("uplot", () => import("../../testing/inert-uplot.js"));`. Tests of the charts
 * themselves use a recording stand-in instead (features/charts/chart-grid.test.tsx).
 */
export default class InertUplot {
  over = document.createElement("div");
  setData(): void {}
  setSize(): void {}
  destroy(): void {}
}
