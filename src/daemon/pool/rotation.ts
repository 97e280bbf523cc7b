/**
 * A set of items with O(1) add, remove and round-robin `next()`: an array
 * plus an index map, removal by swapping with the last item. Swapping shifts
 * the order a little; round-robin fairness over time does not depend on it.
 */
export class Rotation<T> {
  private readonly items: T[] = [];
  private readonly positions = new Map<T, number>();
  private cursor = 0;

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.positions.has(item);
  }

  /** Adds at the end: keys loaded together keep their order (keys.txt order at start). */
  add(item: T): void {
    if (this.positions.has(item)) return;
    this.positions.set(item, this.items.length);
    this.items.push(item);
  }

  /**
   * Adds at a random position (by swapping with the item there), so that keys
   * coming back together (a reset of all, the end of a shared cooldown) do not
   * form one block that a single request could walk into.
   */
  addAnywhere(item: T): void {
    if (this.positions.has(item)) return;
    this.add(item);
    const last = this.items.length - 1;
    const at = Math.floor(Math.random() * this.items.length);
    if (at === last) return;
    const displaced = this.items[at];
    this.items[at] = item;
    this.items[last] = displaced;
    this.positions.set(item, at);
    this.positions.set(displaced, last);
  }

  remove(item: T): void {
    const position = this.positions.get(item);
    if (position === undefined) return;
    const last = this.items.pop() as T;
    this.positions.delete(item);
    if (position < this.items.length) {
      this.items[position] = last;
      this.positions.set(last, position);
    }
  }

  /** The next item in round-robin order, or undefined when empty. */
  next(): T | undefined {
    if (this.items.length === 0) return undefined;
    if (this.cursor >= this.items.length) this.cursor = 0;
    return this.items[this.cursor++];
  }

  /** Two distinct random items (one when there is only one): the candidates of power-of-two-choices. */
  randomTwo(): T[] {
    const count = this.items.length;
    if (count < 2) return this.items.slice();
    const first = Math.floor(Math.random() * count);
    const second = (first + 1 + Math.floor(Math.random() * (count - 1))) % count;
    return [this.items[first], this.items[second]];
  }

  values(): readonly T[] {
    return this.items;
  }
}
