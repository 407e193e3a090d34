// One row of the summary table `make bench` prints last: a figure measured in
// this run next to its reference, the ratio and the target. Rows go to the
// tab-separated file named by BENCH_SUMMARY (set by scripts/bench.sh); run
// alone, a bench only prints its own section.
import { appendFileSync } from "node:fs";

/**
 * @param {string} row the row number, e.g. "6"
 * @param {string} measure what was measured
 * @param {string} value usage-lens's figure, with its unit
 * @param {string} reference the reference's figure, with its unit
 * @param {number} ratio value / reference
 * @param {string} target e.g. "≤ 1.50×", or "" when the row only reports
 * @param {boolean|null} met whether the target holds (null: no target)
 */
export function record(row, measure, value, reference, ratio, target, met) {
  const file = process.env.BENCH_SUMMARY;
  if (!file) return;
  const cells = [row, measure, value, reference, `${ratio.toFixed(2)}×`, target, met === null ? "" : met ? "yes" : "no"];
  appendFileSync(file, cells.map((c) => String(c).replaceAll("\t", " ")).join("\t") + "\n");
}
