// Shared by the benchmarks: numbers and tables as they print them.

/** A whole number with thousands separators; '–' for a figure that was not measured. */
export const fmtInt = (x) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));

/** Rows as an aligned text table: the first row is the header, the first column left-aligned. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows
    .map((row, i) => {
      const line = row.map((cell, c) =>
        c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
      );
      const text = `  ${line.join('   ')}`;
      return i === 0 ? `${text}\n  ${widths.map((w) => '-'.repeat(w)).join('   ')}` : text;
    })
    .join('\n');
}
