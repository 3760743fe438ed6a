import Foundation
import QDACodebook

/// The matcher on any text: the study's codebook applied to the input as a
/// work report (request and services, split at the first NUL byte), as an
/// interview turn with the same text as its question, and as a chat message
/// whose `hour` and `media` attributes the input's length picks (the
/// codebook's attribute rules read them).
///
/// Besides memory errors (AddressSanitizer), a finding is a text prepared
/// from its bytes otherwise than from the string they decode to, a unit for
/// which the screened matching (`apply`, which skips rules whose words the
/// text lacks) and the rule-by-rule evaluation of every code disagree, a
/// match whose span lies outside its field, or a match without a field from
/// a rule that has patterns.
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
  // Bytes prepared as bytes, as `code auto` reads texts, must be prepared as
  // the string they decode to, whether they are UTF-8 or not.
  let fromBytes = TextIndex(
    utf8: UnsafeBufferPointer(rebasing: bytes[..<split]))
  let fromString = TextIndex(request)
  guard fromBytes.folded == fromString.folded,
    fromBytes.tokens == fromString.tokens,
    fromBytes.originalOffsets == fromString.originalOffsets
  else {
    fatalError(
      "bytes \(Array(bytes[..<split])) prepared otherwise than their string")
  }
  check(
    MatchableUnit(
      kind: "case", texts: [("request", request), ("services", services)]),
    texts: ["request": request, "services": services])
  check(
    .turn(text: request, role: "worker", question: services),
    texts: ["text": request, "question": services])
  let media = ["voice_message", "video_message", "sticker", "photo"]
  check(
    MatchableUnit(
      kind: "message", texts: [("text", request)],
      attributes: [
        ("hour", String(count % 24)), ("media", media[count % media.count]),
      ]),
    texts: ["text": request])
  return 0
}

/// Checks the unit, whose fields have `texts`.
func check(_ unit: MatchableUnit, texts: [String: String]) {
  func describe(_ code: String, _ match: RuleMatch) -> String {
    "\(code) \(match.rule) \(match.field ?? "-") \(match.range.map { "\($0)" } ?? "-")"
  }
  let screened = codebook.apply(to: unit).map {
    describe($0.code.qualifiedID, $0.match)
  }
  let direct = codebook.codes.compactMap { code in
    codebook.firstMatch(of: code.qualifiedID, in: unit).map {
      describe(code.qualifiedID, $0)
    }
  }
  guard screened == direct else {
    fatalError("screened \(screened) but rule by rule \(direct)")
  }
  for (code, match) in codebook.apply(to: unit) {
    guard let field = match.field, let range = match.range else {
      // Only a rule of attributes alone codes a unit without a span.
      let rule = code.rules.first { $0.id == match.rule }
      guard let rule, rule.any.isEmpty, rule.all.isEmpty,
        !rule.attributes.isEmpty, match.field == nil, match.range == nil
      else {
        fatalError("\(describe(code.qualifiedID, match)) has no span")
      }
      continue
    }
    // Spans count the scalars of the text in NFC, as the index reads it.
    let scalars =
      texts[field]?.precomposedStringWithCanonicalMapping
      .unicodeScalars.count ?? -1
    guard range.lowerBound >= 0, range.upperBound <= scalars else {
      fatalError("span \(range) outside \(field) of \(scalars) scalars")
    }
  }
}
