import Foundation
import QDACodebook
import QDAImport
import QDAStore
import QDATestSupport
import Testing

@testable import QDACoding

/// Coding a batch on every core gives exactly the codings of coding the
/// units one by one, in the same order.
@Suite struct ParallelCodingTests {
  @Test func batchCodingEqualsUnitByUnit() throws {
    let path = TestPaths.package("Codebooks/web-outreach.yml").path
    let coder = AutoCoder(
      codebook: try Codebook.load(path: path), codebookPath: path)
    let reader = try WorkReportReader(
      path: TestPaths.package("Samples/work-reports.csv").path)
    var samples: [StoredUnit] = []
    while let report = try reader.next() {
      samples.append(
        StoredUnit(id: report.id, kind: "case", texts: report.texts))
    }
    // Eight copies of the samples: more units than one batch, unevenly split.
    let units = (0..<8).flatMap { copy in
      samples.map { unit in
        var unit = unit
        unit.id += "-\(copy)"
        return unit
      }
    }
    func flat(_ codings: [[CodingDraft]]) -> [String] {
      codings.joined().map {
        "\($0.unit)|\($0.code)|\($0.rule ?? "")|\($0.field ?? "")|\(String(describing: $0.span))"
      }
    }
    let oneByOne = flat(units.map(coder.codings(for:)))
    let batched = flat(coder.codings(for: units))
    #expect(oneByOne.count > 2000)
    #expect(batched == oneByOne)
    #expect(coder.codings(for: []).isEmpty)

    // What `code auto` writes: the same codings by numbers, which name
    // their codes and rules by the codebook's lists.
    let codes = coder.codebook.firingCodeIDs
    let rules = coder.codebook.ruleIDs
    let numbered = coder.numberedCodings(for: units)
    #expect(numbered.count == units.count)
    let named = zip(units, numbered).map { unit, codings in
      codings.map {
        CodingDraft(
          unit: unit.id, code: codes[Int($0.code)],
          rule: $0.rule < 0 ? nil : rules[Int($0.rule)], field: $0.field,
          span: $0.span)
      }
    }
    #expect(flat(named) == oneByOne)

    // And the same from a batch of bytes, as `code auto` reads units, with
    // turns that answer questions among them.
    let turns = [
      StoredUnit(
        id: "turn-1", kind: "turn", role: "participant",
        texts: [("text", "I answer them as soon as I can.")],
        question: "What about messages sent at night?"),
      StoredUnit(
        id: "turn-2", kind: "turn", role: "participant",
        texts: [("text", "Отвечаю, как только могу.")],
        question: "А ночью пишут?"),
    ]
    let mixed = units + turns
    let fromBatch = coder.numberedCodings(for: UnitBatch(mixed))
    #expect(
      fromBatch.map { $0.map { "\($0)" } }
        == coder.numberedCodings(for: mixed).map { $0.map { "\($0)" } })
    // The questions code the turns as night-time requests.
    #expect(
      fromBatch.suffix(2).map { $0.map { rules[Int($0.rule)] } } == [
        ["addressing-en", "nighttime-question-en"], ["nighttime-question-ru"],
      ])
  }
}
