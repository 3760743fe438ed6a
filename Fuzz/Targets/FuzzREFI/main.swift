import Foundation
import FuzzSupport
import QDAExchange

/// Set (to anything) to print why each input was refused: for checking
/// that the seeds get past the archive into the XML.
let printsRefusals =
  ProcessInfo.processInfo.environment["QDA_FUZZ_VERBOSE"] != nil

/// REFI-QDA projects: the ZIP archive and the XML inside.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzREFI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path = InputFile.write(start, count, extension: "qdpx")
  do {
    _ = try REFIImport.read(path: path)
  } catch {
    if printsRefusals { print(error) }
  }
  return 0
}
