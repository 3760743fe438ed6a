import FuzzSupport
import QDAImport

/// Work-report CSV: every record, with the default columns and with the
/// first column as id; errors are expected, crashes are not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path = InputFile.write(start, count, extension: "csv")
  if let reader = try? WorkReportReader(path: path) {
    while (try? reader.next()) != nil {}
    _ = try? reader.checkProblems()
  }
  if let reader = try? CSVReader(stream: ByteStream(path: path), path: path) {
    while (try? reader.next()) != nil {}
  }
  return 0
}
