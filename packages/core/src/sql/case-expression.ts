import { ArgumentError } from "../errors.ts";
import { nullType } from "../types/null-type.ts";
import type { SqlType } from "../types/sql-type.ts";
import { ColumnElement, literal } from "./column-element.ts";
import type { ShapeContext, SqlElement } from "./element.ts";

type ValueOf<R> = R extends ColumnElement<infer T> ? T : R;

/** CASE [value] WHEN ... THEN ... [ELSE ...] END. */
export class CaseExpression<T> extends ColumnElement<T> {
  declare readonly kind: "case";
  declare readonly value: ColumnElement<unknown> | undefined;
  declare readonly whens: readonly (readonly [ColumnElement<unknown>, ColumnElement<unknown>])[];
  declare readonly otherwise: ColumnElement<unknown> | undefined;
  declare readonly type: SqlType<unknown>;

  constructor(
    value: ColumnElement<unknown> | undefined,
    whens: readonly (readonly [ColumnElement<unknown>, ColumnElement<unknown>])[],
    otherwise: ColumnElement<unknown> | undefined,
  ) {
    super();
    if (whens.length === 0) throw new ArgumentError("case_() needs at least one WHEN");
    this.kind = "case";
    this.value = value;
    this.whens = whens;
    this.otherwise = otherwise;
    this.type = whens.map(([, result]) => result.type).find((type) => type !== nullType) ?? nullType;
  }

  shape(context: ShapeContext): void {
    context.add("case(");
    this.value?.shape(context);
    for (const [condition, result] of this.whens) {
      context.add("w");
      condition.shape(context);
      result.shape(context);
    }
    if (this.otherwise !== undefined) {
      context.add("e");
      this.otherwise.shape(context);
    }
    context.add(")");
  }

  get children(): readonly SqlElement[] {
    return [
      ...(this.value === undefined ? [] : [this.value]),
      ...this.whens.flat(),
      ...(this.otherwise === undefined ? [] : [this.otherwise]),
    ];
  }
}

function element(value: unknown, like?: ColumnElement<unknown>): ColumnElement<unknown> {
  if (value instanceof ColumnElement) return value;
  return like === undefined ? literal(value) : like.coerce(value);
}

/**
 * `case_([[t.c.x.gt(5), "big"], [t.c.x.gt(1), "small"]], { else: "none" })`; with `value`, each WHEN
 * compares it: `case_([["a", 1], ["b", 2]], { value: t.c.kind })`.
 */
export function case_<const W extends readonly (readonly [unknown, unknown])[], E = never>(
  whens: W,
  options: { value?: ColumnElement<unknown>; else?: E } = {},
): ColumnElement<ValueOf<W[number][1]> | ([E] extends [never] ? null : ValueOf<E>)> {
  const subject = options.value;
  const pairs = whens.map(([condition, result]) => [element(condition, subject), element(result)] as const);
  const otherwise = "else" in options ? element(options.else) : undefined;
  return new CaseExpression(subject, pairs, otherwise);
}
