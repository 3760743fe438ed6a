import Foundation
import QDACodebook
import QDACoding
import QDAImport
import QDATestSupport
import Testing

/// The challenge codes against hand-coded evaluation transcripts (not the
/// samples): one text interview in English, one Zoom WebVTT in Russian.
@Suite struct TranscriptCodingTests {
  static let directory = TestPaths.package(
    "Tests/QDACodingTests/Fixtures/transcripts")

  /// Reads `NAME.codes.csv`: `turn,codes` with codes separated by `;`.
  func gold(_ name: String) throws -> [Int: Set<String>] {
    let text = try String(
      contentsOf: Self.directory.appendingPathComponent("\(name).codes.csv"),
      encoding: .utf8)
    var result: [Int: Set<String>] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard let turn = Int(fields[0]) else { continue }
      result[turn] = Set(fields[1].split(separator: ";").map(String.init))
    }
    return result
  }

  func units(_ file: String, gold name: String) throws
    -> [(id: String, unit: MatchableUnit, expected: Set<String>)]
  {
    let transcript = try TranscriptReader.read(
      path: Self.directory.appendingPathComponent(file).path)
    let codes = try gold(name)
    return transcript.turns.enumerated().map { index, turn in
      let previous = index > 0 ? transcript.turns[index - 1] : nil
      return (
        "\(transcript.name):\(turn.number)",
        MatchableUnit.turn(
          text: turn.text, role: turn.role,
          question: previous?.role == "interviewer" ? previous?.text : nil),
        codes[turn.number] ?? []
      )
    }
  }

  @Test func challengeCodesReachRecall90AndPrecision80() throws {
    let codebook = try Codebook.load(
      path: TestPaths.package("Codebooks/web-outreach.yml").path)
    let challenge = codebook.codes.filter { $0.themeID == "challenge" }.map(
      \.qualifiedID)
    let all =
      try units("eval-interview.txt", gold: "eval-interview")
      + units("eval-zoom-ru.vtt", gold: "eval-zoom-ru")
    #expect(all.count >= 60)
    let evaluation = CodingEvaluation(
      codebook: codebook, codes: challenge, units: all)
    print("Challenge codes on evaluation transcripts:\n" + evaluation.summary)
    let micro = evaluation.micro
    #expect(try #require(micro.recall) >= 0.9)
    #expect(try #require(micro.precision) >= 0.8)
  }
}
