/**
 * Splits a byte stream into lines (newline-delimited JSON). A line longer than
 * `lineBytesMax` is dropped up to its newline and counted, so one runaway line
 * cannot grow the buffer without bound. Blank lines are the stream's keep-alives.
 */
export class LineSplitter {
  private buffered = '';
  private skippingLongLine = false;
  linesTooLong = 0;

  constructor(private readonly lineBytesMax: number) {}

  push(chunk: string): string[] {
    const lines: string[] = [];
    let text = this.buffered + chunk;
    this.buffered = '';
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n')) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
        continue;
      }
      if (line.length > this.lineBytesMax) this.linesTooLong++;
      else lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (this.skippingLongLine) return lines;
    if (text.length > this.lineBytesMax) {
      this.linesTooLong++;
      this.skippingLongLine = true;
    } else this.buffered = text;
    return lines;
  }

  reset(): void {
    this.buffered = '';
    this.skippingLongLine = false;
  }
}
