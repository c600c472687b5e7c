// The examples run on embedded PostgreSQL by default; ATHANOR_EXAMPLE_URL points them elsewhere
// (the tests run each on PGlite and on PostgreSQL through both drivers).
import "@athanor/dialect-pglite";
import "@athanor/dialect-postgres";

export const exampleUrl = process.env.ATHANOR_EXAMPLE_URL ?? "postgresql+pglite://";
