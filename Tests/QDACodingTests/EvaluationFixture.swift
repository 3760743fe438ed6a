import Foundation
import QDACodebook
import QDACoding
import QDAImport
import QDATestSupport

/// A case of an evaluation set: its text and the codes a human gave it.
struct EvaluationCase {
  var id: String
  var language: String
  var request: String
  var services: String
  var codes: Set<String>

  var unit: MatchableUnit {
    MatchableUnit(
      kind: "case", texts: [("request", request), ("services", services)])
  }

  /// Reads a CSV with header `case_id,language,request,services,codes`
  /// (codes separated by `;`).
  static func load(_ url: URL) throws -> [EvaluationCase] {
    let reader = CSVReader(
      stream: try ByteStream(path: url.path), path: url.path)
    guard
      let header = try reader.next()?.fields.map({
        String(decoding: $0, as: UTF8.self)
      })
    else { return [] }
    let index = Dictionary(
      uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    var cases: [EvaluationCase] = []
    while let record = try reader.next() {
      let field = { (name: String) in
        String(decoding: record.fields[index[name] ?? 0], as: UTF8.self)
      }
      cases.append(
        EvaluationCase(
          id: field("case_id"), language: field("language"),
          request: field("request"),
          services: field("services"),
          codes: Set(field("codes").split(separator: ";").map(String.init))))
    }
    return cases
  }
}

/// The codes of work reports: the two needs themes.
func reportCodes(_ codebook: Codebook) -> [String] {
  codebook.themes.filter { ["online-only", "hybrid"].contains($0.id) }
    .flatMap(\.codes).map(\.qualifiedID)
}

func evaluate(_ cases: [EvaluationCase], codebook: Codebook) -> CodingEvaluation
{
  CodingEvaluation(
    codebook: codebook, codes: reportCodes(codebook),
    units: cases.map { ($0.id, $0.unit, $0.codes) })
}
