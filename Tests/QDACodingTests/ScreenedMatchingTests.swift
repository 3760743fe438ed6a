import Foundation
import QDACodebook
import QDAImport
import QDATestSupport
import Testing

/// Screening rules by anchors never changes what a codebook codes.
///
/// `Codebook.apply(to:)` skips the rules whose words a unit lacks; a rule it
/// skips must be one that would not have fired. Here every code is also
/// evaluated rule by rule, without the screen, on every text at hand.
@Suite struct ScreenedMatchingTests {
  @Test func screeningNeverChangesWhatFires() throws {
    let codebook = try Codebook.load(
      path: TestPaths.package("Codebooks/web-outreach.yml").path)
    var units = try EvaluationCase.load(
      TestPaths.package("Tests/QDACodingTests/Fixtures/evaluation.csv")
    ).map(\.unit)
    let reader = try WorkReportReader(
      path: TestPaths.package("Samples/work-reports.csv").path)
    while let report = try reader.next() {
      units.append(MatchableUnit(kind: "case", texts: report.texts))
    }
    let directory = TestPaths.package("Samples/interviews")
    for name in try FileManager.default.contentsOfDirectory(
      atPath: directory.path
    ).sorted() {
      let transcript = try TranscriptReader.read(
        path: directory.appendingPathComponent(name).path)
      var question: String?
      for turn in transcript.turns {
        units.append(
          .turn(text: turn.text, role: turn.role, question: question))
        question = turn.role == "interviewer" ? turn.text : nil
      }
    }
    #expect(units.count > 600)
    var fired = 0
    for unit in units {
      let screened = codebook.apply(to: unit).map {
        "\($0.code.qualifiedID) \($0.match.rule) \($0.match.field ?? "-") \($0.match.range.map { "\($0)" } ?? "-")"
      }
      let direct = codebook.codes.compactMap { code in
        codebook.firstMatch(of: code.qualifiedID, in: unit).map {
          "\(code.qualifiedID) \($0.rule) \($0.field ?? "-") \($0.range.map { "\($0)" } ?? "-")"
        }
      }
      #expect(screened == direct)
      fired += direct.count
    }
    #expect(fired > 500)
  }
}
