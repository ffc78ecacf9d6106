// The parts of @sqlite.org/sqlite-wasm 3.41 that wasm-engine.ts uses. The package ships
// no type declarations; this ambient module keeps wasm-engine.ts free of `any`.
declare module '@sqlite.org/sqlite-wasm' {
  interface InitOptions {
    print?: (...args: unknown[]) => void
    printErr?: (...args: unknown[]) => void
    locateFile?: (file: string, prefix: string) => string
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      onSuccess: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => object
  }
  const sqlite3InitModule: (options?: InitOptions) => Promise<unknown>
  export default sqlite3InitModule
}
