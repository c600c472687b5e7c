import type { TestProject } from "vitest/node";
import { ensurePgliteTemplate } from "./pglite-template.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the PGlite template data dir tarball (see pglite-template.ts). */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide("pgliteTemplate", await ensurePgliteTemplate());
}
