/** Each simulated node's active view size, as its last 'view' event said, and figures over the live ones. */
export class Degrees {
  private readonly of: Uint16Array;

  constructor(size: number) {
    this.of = new Uint16Array(size);
  }

  set(i: number, degree: number): void {
    this.of[i] = degree;
  }

  get(i: number): number {
    return this.of[i] as number;
  }

  /** Mean number of open links over the nodes `isAlive` accepts. */
  mean(isAlive: (i: number) => boolean): number {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < this.of.length; i++) {
      if (!isAlive(i)) continue;
      sum += this.of[i] as number;
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }

  /** Live nodes with no open link. */
  isolated(isAlive: (i: number) => boolean): number {
    let count = 0;
    for (let i = 0; i < this.of.length; i++) if (isAlive(i) && this.of[i] === 0) count++;
    return count;
  }
}
