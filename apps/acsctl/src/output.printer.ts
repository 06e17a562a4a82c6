import type { OutputStream } from './cli.io';
import {
  renderFields,
  renderJsonLine,
  renderTable,
  toJson,
  type Column,
  type OutputFormat,
} from './output.formatter';

/** Writes results to stdout in the chosen format; commands call the method for their shape. */
export class Printer {
  constructor(
    private readonly out: OutputStream,
    readonly format: OutputFormat,
  ) {}

  table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    this.out.write(renderTable(rows, columns));
  }

  /** Rows only, no header (the following pages of a listing). */
  rows<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    if (rows.length === 0) return;
    const text = renderTable(rows, columns);
    this.out.write(text.slice(text.indexOf('\n') + 1));
  }

  fields(fields: readonly (readonly [string, unknown])[]): void {
    this.out.write(renderFields(fields));
  }

  json(value: unknown): void {
    this.out.write(toJson(value) + '\n');
  }

  jsonLine(value: unknown): void {
    this.out.write(renderJsonLine(value));
  }

  text(line: string): void {
    this.out.write(line.endsWith('\n') ? line : `${line}\n`);
  }
}
