// @athanor/dialect-pglite will hold the PGlite dialect (issue 4).
// The package exists now so the workspace, typecheck and import-direction check cover it.
export {};
