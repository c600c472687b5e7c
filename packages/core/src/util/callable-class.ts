/**
 * A class that can also be called without `new`, as SQLAlchemy's constructors are
 * (`ForeignKey("a.id")`). `instanceof` still works: the function shares the class's prototype.
 */
export type CallableClass<A extends unknown[], I> = {
  (...args: A): I;
  new (...args: A): I;
  readonly prototype: I;
};

export function callableClass<A extends unknown[], I>(Class: new (...args: A) => I): CallableClass<A, I> {
  const make = (...args: A): I => new Class(...args);
  Object.defineProperty(make, "name", { value: Class.name });
  make.prototype = Class.prototype;
  return make as unknown as CallableClass<A, I>;
}
