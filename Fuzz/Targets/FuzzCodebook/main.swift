import FuzzSupport
import QDACodebook

/// Codebooks: YAML, patterns and examples, as `qda codebook lint` reads them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodebook(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path = InputFile.write(start, count, extension: "yml")
  if let (codebook, _) = try? Codebook.lint(path: path), let codebook {
    _ = codebook.apply(
      to: MatchableUnit(example: "Вены пропали, abscess on the arm, нужен тест")
    )
  }
  return 0
}
