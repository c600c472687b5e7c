import { arrayParser, type ParseText } from "./array-text.ts";
import { builtinParser, isKnownType } from "./value-types.ts";

/** The part of a postgres.js result column this module reads. */
export interface ResultColumn {
  readonly name: string;
  readonly type: number;
  readonly parser?: ((raw: string) => unknown) | undefined;
}

/** Runs a catalog query on the connection, answering rows as arrays. */
export type CatalogQuery = (
  sql: string,
  params: readonly unknown[],
) => Promise<readonly (readonly unknown[])[]>;

const lookupSql =
  "SELECT t.oid::int4, t.typtype, t.typbasetype::int4, t.typelem::int4, t.typlen, " +
  "e.typtype, e.typbasetype::int4, e.typdelim " +
  "FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem " +
  "WHERE t.oid = ANY($1::oid[])";

/**
 * Types postgres.js cannot know in advance (arrays of enums, arrays of domains, extension types),
 * looked up in pg_type the first time a result has them, once per connection: that also covers types
 * created after the connection opened, which a fetch at connect time would miss. postgres.js leaves
 * their values as text; `convert` then turns array text into arrays.
 */
export class TypeCatalog {
  /** OID -> its parser, or null when its text is its value. */
  private readonly looked = new Map<number, ParseText | null>();

  /** OIDs of `columns` that have no parser and were never looked up. */
  unknownTypes(columns: readonly ResultColumn[]): number[] | undefined {
    let unknown: number[] | undefined;
    for (const column of columns) {
      const oid = column.type;
      if (column.parser !== undefined || isKnownType(oid) || this.looked.has(oid)) continue;
      if (unknown === undefined) unknown = [oid];
      else if (!unknown.includes(oid)) unknown.push(oid);
    }
    return unknown;
  }

  /** Looks the types up; a type the catalog does not have is read as text. */
  async lookUp(oids: readonly number[], query: CatalogQuery): Promise<void> {
    const rows = await query(lookupSql, [oids]);
    for (const oid of oids) this.looked.set(oid, null);
    for (const row of rows) {
      const [oid, typtype, baseType, element, length, elementTyptype, elementBase, delimiter] = row as [
        number,
        string,
        number,
        number,
        number,
        string | null,
        number | null,
        string | null,
      ];
      if (typtype === "d") {
        this.looked.set(oid, builtinParser(baseType) ?? null);
      } else if (element !== 0 && length === -1) {
        // A true array (fixed-length types such as point also have an element type).
        const item =
          elementTyptype === "d" && elementBase !== null
            ? builtinParser(elementBase)
            : (builtinParser(element) ?? this.looked.get(element) ?? undefined);
        this.looked.set(oid, arrayParser(item, (delimiter ?? ",").charCodeAt(0)));
      }
    }
  }

  /** Parses, in place, the values of columns whose looked-up type has a parser. */
  convert(columns: readonly ResultColumn[], rows: readonly unknown[][]): void {
    if (this.looked.size === 0) return;
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index]!;
      if (column.parser !== undefined) continue;
      const parse = this.looked.get(column.type);
      if (parse === undefined || parse === null) continue;
      for (const row of rows) {
        const value = row[index];
        if (typeof value === "string") row[index] = parse(value);
      }
    }
  }
}
