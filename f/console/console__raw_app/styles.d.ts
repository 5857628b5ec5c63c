// Lets TypeScript accept the stylesheet import in index.tsx (esbuild bundles it).
declare module "*.css";
