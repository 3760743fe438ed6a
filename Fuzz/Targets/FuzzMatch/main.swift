import Foundation
import QDACodebook

/// The matcher on any text: the study's codebook applied to the input as a
/// work report (request and services, split at the first NUL byte) and as an
/// interview turn with the same text as its question.
///
/// Besides memory errors (AddressSanitizer), a finding is a unit for which
/// the screened matching (`apply`, which skips rules whose words the text
/// lacks) and the rule-by-rule evaluation of every code disagree, or a match
/// whose span lies outside its field.
let codebook: Codebook = {
  let root = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
  do {
    return try Codebook.load(path: "/\(root)/Codebooks/web-outreach.yml")
  } catch {
    fatalError("the study's codebook does not load: \(error)")
  }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMatch(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = UnsafeBufferPointer(
    start: start.assumingMemoryBound(to: UInt8.self), count: count)
  let split = bytes.firstIndex(of: 0) ?? count
  let request = String(decoding: bytes[..<split], as: UTF8.self)
  let services = String(
    decoding: bytes[min(split + 1, count)...], as: UTF8.self)
  check(
    MatchableUnit(
      kind: "case", texts: [("request", request), ("services", services)]),
    texts: ["request": request, "services": services])
  check(
    .turn(text: request, role: "worker", question: services),
    texts: ["text": request, "question": services])
  return 0
}

/// Checks the unit, whose fields have `texts`.
func check(_ unit: MatchableUnit, texts: [String: String]) {
  let screened = codebook.apply(to: unit).map {
    "\($0.code.qualifiedID) \($0.match.rule) \($0.match.field) \($0.match.range)"
  }
  let direct = codebook.codes.compactMap { code in
    codebook.firstMatch(of: code.qualifiedID, in: unit).map {
      "\(code.qualifiedID) \($0.rule) \($0.field) \($0.range)"
    }
  }
  guard screened == direct else {
    fatalError("screened \(screened) but rule by rule \(direct)")
  }
  for (_, match) in codebook.apply(to: unit) {
    // Spans count the scalars of the text in NFC, as the index reads it.
    let scalars =
      texts[match.field]?.precomposedStringWithCanonicalMapping
      .unicodeScalars.count ?? -1
    guard match.range.lowerBound >= 0, match.range.upperBound <= scalars
    else {
      fatalError(
        "span \(match.range) outside \(match.field) of \(scalars) scalars")
    }
  }
}
