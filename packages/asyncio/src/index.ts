// @athanor/asyncio will hold the async facade (issue 5: AsyncEngine, AsyncConnection, AsyncResult; later AsyncSession).
// The package exists now so the workspace, typecheck and import-direction check cover it.
export {};
