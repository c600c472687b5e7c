/**
 * Row construction: 10k rows x 5 columns, built as arrays that also answer names (`row.name`).
 * Compares ways of giving each array the shape's prototype (where the name getters live), against
 * plain arrays as the floor, then times the real Result.all(). Run: pnpm bench rows
 */
import { Integer, Result, Text } from "@athanor/core";

const names = ["id", "name", "email", "age", "city"];
const raw: unknown[][] = [];
for (let i = 0; i < 10_000; i++) raw.push([i, `user ${i}`, `u${i}@example.com`, 20 + (i % 50), "Paris"]);

/** The candidates share one base class so `instanceof` and the helper members cost the same. */
class BaseRow extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

function shapeClass(): typeof BaseRow {
  class Shape extends BaseRow {}
  names.forEach((name, index) => {
    Object.defineProperty(Shape.prototype, name, {
      get(this: unknown[]) {
        return this[index];
      },
    });
  });
  return Shape;
}

type Build = (values: readonly unknown[]) => unknown[];

const candidates: Record<string, () => Build> = {
  "plain array (floor, no names)": () => (values) => {
    const row: unknown[] = [];
    for (let i = 0; i < values.length; i++) row.push(values[i]);
    return row;
  },
  "subclass: new Shape() + push": () => {
    const Shape = shapeClass();
    return (values) => {
      const row = new Shape();
      for (let i = 0; i < values.length; i++) row.push(values[i]);
      return row;
    };
  },
  "subclass: new Shape(n) + index writes": () => {
    const Shape = shapeClass();
    return (values) => {
      const row = new Shape(values.length);
      for (let i = 0; i < values.length; i++) row[i] = values[i];
      return row;
    };
  },
  "array + Object.setPrototypeOf(Shape.prototype)": () => {
    const proto: object = shapeClass().prototype;
    return (values) => {
      const row: unknown[] = [];
      for (let i = 0; i < values.length; i++) row.push(values[i]);
      Object.setPrototypeOf(row, proto);
      return row;
    };
  },
};

function median(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function time(rounds: number, once: () => unknown): number {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    once();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

let sink = 0;

export async function rowsBench(): Promise<void> {
  console.log("rows: 10k rows x 5 columns; median of 31 rounds; build, then build + read 2 names");
  for (const [label, make] of Object.entries(candidates)) {
    const build = make();
    const named = !label.startsWith("plain");
    const built = time(31, () => {
      for (const values of raw) sink += build(values).length;
    });
    const read = time(31, () => {
      for (const values of raw) {
        const row = build(values);
        // The floor has no names; it reads the same two values by index.
        sink += named
          ? Number(Reflect.get(row, "id")) + String(Reflect.get(row, "name")).length
          : Number(row[0]) + String(row[1]).length;
      }
    });
    console.log(
      `  ${label.padEnd(48)} build ${built.toFixed(2).padStart(6)} ms   build+read ${read.toFixed(2).padStart(6)} ms`,
    );
  }
  const columns = names.map((name, index) => ({
    name,
    type: index === 0 || index === 3 ? Integer() : Text(),
  }));
  const all = time(31, () => {
    sink += new Result(columns, raw).all().length;
  });
  const allRead = time(31, () => {
    for (const row of new Result<[number, string], { id: number; name: string }>(columns, raw).all()) {
      sink += row.id + row.name.length;
    }
  });
  console.log(
    `  ${"Result.all() (Integer/Text columns)".padEnd(48)} build ${all.toFixed(2).padStart(6)} ms   build+read ${allRead.toFixed(2).padStart(6)} ms`,
  );
  if (sink === -1) console.log(sink);
}
