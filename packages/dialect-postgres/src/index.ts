// @athanor/dialect-postgres will hold the PostgreSQL dialect with postgres.js and node-postgres drivers (issue 4).
// The package exists now so the workspace, typecheck and import-direction check cover it.
export {};
