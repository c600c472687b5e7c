// @athanor/orm will hold mapping, Session, unit of work, relationships (issue: ORM).
// The package exists now so the workspace, typecheck and import-direction check cover it.
export {};
