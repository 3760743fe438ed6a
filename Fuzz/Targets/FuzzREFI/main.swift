import FuzzSupport
import QDAExchange

/// REFI-QDA projects: the ZIP archive and the XML inside.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzREFI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path = InputFile.write(start, count, extension: "qdpx")
  _ = try? REFIImport.read(path: path)
  return 0
}
