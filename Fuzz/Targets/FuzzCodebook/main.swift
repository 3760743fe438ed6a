import FuzzSupport
import QDACodebook

/// Codebooks: YAML, patterns and examples, as `qda codebook lint` reads them;
/// a codebook that loads is applied to an example and to a chat message
/// with attributes, for the rules that test them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodebook(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path = InputFile.write(start, count, extension: "yml")
  if let (codebook, _) = try? Codebook.lint(path: path), let codebook {
    let text = "Вены пропали, abscess on the arm, нужен тест"
    _ = codebook.apply(to: MatchableUnit(example: text))
    _ = codebook.apply(
      to: MatchableUnit(
        kind: "message", texts: [("text", text)],
        attributes: [
          ("hour", "03"), ("media", "voice_message"), ("channel", "phone"),
        ]))
  }
  return 0
}
