import Foundation
import QDAImport
import QDATestSupport
import Testing

/// The WebVTT and SRT fixtures of ../shared/conformance/vtt.
@Suite struct SubtitleConformanceTests {
  static let directory = TestPaths.conformance("vtt")

  struct ExpectedCue: Equatable, CustomStringConvertible {
    var id: String
    var start: Double
    var end: Double
    var text: String
    var description: String { "\(id)|\(start)|\(end)|\(text)" }
  }

  static func expectations() -> [String: Any] {
    guard
      let data = try? Data(
        contentsOf: directory.appendingPathComponent("expected.json")),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return json
  }

  static var vttFiles: [String] {
    ((expectations()["vtt"] as? [String: Any]) ?? [:]).keys.sorted()
  }

  /// Files that are not WebVTT at all: the parser must refuse them.
  static let notWebVTT: Set = ["webvtt-py/invalid.vtt", "webvtt-py/empty.vtt"]

  @Test func everyFixtureHasAnExpectation() {
    #expect(Self.vttFiles.count == 28)
  }

  @Test(arguments: vttFiles) func webVTTFileGivesTheExpectedCues(file: String)
    throws
  {
    let path = Self.directory.appendingPathComponent(file).path
    if Self.notWebVTT.contains(file) {
      #expect(throws: ImportError.self) { try WebVTTParser.parse(path: path) }
      return
    }
    let entry = try #require(
      (Self.expectations()["vtt"] as? [String: Any])?[file] as? [String: Any])
    let js = try #require(entry["webvtt_js"] as? [String: Any])
    let count = try #require(js["cue_count"] as? Int)
    let result = try WebVTTParser.parse(path: path)
    #expect(result.cues.count == count, "\(file)")
    guard let cues = js["cues"] as? [[String: Any]] else { return }
    let expected = cues.map {
      ExpectedCue(
        id: $0["id"] as? String ?? "",
        start: ($0["start"] as? NSNumber)?.doubleValue ?? -1,
        end: ($0["end"] as? NSNumber)?.doubleValue ?? -1,
        text: $0["text"] as? String ?? "")
    }
    let actual = result.cues.map {
      ExpectedCue(
        id: $0.id, start: ($0.start * 1000).rounded() / 1000,
        end: ($0.end * 1000).rounded() / 1000, text: $0.text)
    }
    #expect(actual == expected, "\(file)")
  }

  @Test func cueTextTreesMatchTheWebPlatformTests() throws {
    let data = try Data(
      contentsOf: Self.directory.appendingPathComponent(
        "w3c-webvtt.js/cue-text-tags.json"))
    let cases = try #require(
      try JSONSerialization.jsonObject(with: data) as? [[String: String]])
    #expect(cases.count == 28)
    for item in cases {
      let text = try #require(item["text"])
      // The WPT cue texts end with the line break of their test file.
      let cueText = text.hasSuffix("\n") ? String(text.dropLast()) : text
      #expect(
        CueText(cueText).testTree == item["expectedTree"],
        "\(text.debugDescription)")
    }
    let file = try WebVTTParser.parse(
      path: Self.directory.appendingPathComponent(
        "w3c-webvtt.js/cue-text-tags.vtt"
      ).path)
    #expect(file.cues.count == 28)
  }

  @Test func voicesAndTagsGivePlainTextAndSpeakers() {
    #expect(CueText("<v a b>test").voice == "a b")
    #expect(
      CueText("<v.loud Mary Smith>Hello <i>there</i></v>").voice == "Mary Smith"
    )
    #expect(
      CueText("<v.loud Mary Smith>Hello <i>there</i></v>").plainText
        == "Hello there")
    #expect(
      CueText("That's <00:00:21.000><c.colorE5E5E5>amore</c>").plainText
        == "That's amore")
    #expect(CueText("Tom &amp; Jerry &lt;3").plainText == "Tom & Jerry <3")
    #expect(CueText("plain").voice == nil)
  }

  @Test func webvttPyCueTagsGivePlainText() throws {
    let result = try WebVTTParser.parse(
      path: Self.directory.appendingPathComponent("webvtt-py/cue_tags.vtt").path
    )
    #expect(
      result.cues.map(\.parsedText.plainText) == [
        "When the moon hits your eye", "Like a big-a pizza pie", "That's amore",
      ])
  }

  @Test func droppedCuesAreReported() throws {
    let invalid = try WebVTTParser.parse(
      path: Self.directory.appendingPathComponent(
        "webvtt-py/invalid_timeframe.vtt"
      ).path)
    #expect(invalid.diagnostics.map(\.line) == [6])
    #expect(invalid.diagnostics.allSatisfy { $0.isError })
    let missing = try WebVTTParser.parse(
      path: Self.directory.appendingPathComponent(
        "webvtt-py/missing_timeframe.vtt"
      ).path)
    #expect(missing.diagnostics.map(\.line) == [6])
  }

  // MARK: - SRT

  func srt(_ name: String) throws -> WebVTTParser.Result {
    try SRTParser.parse(
      path: Self.directory.appendingPathComponent("webvtt-py/\(name)").path)
  }

  @Test func srtSample() throws {
    let result = try srt("sample.srt")
    #expect(result.cues.count == 5)
    #expect(result.cues[2].start == 11.89)
    #expect(result.cues[2].end == 16.32)
    #expect(result.cues[2].text == "Caption text #3")
    #expect(result.diagnostics.isEmpty)
  }

  @Test func srtMissingTimingIsAnErrorNamingTheBlock() throws {
    let path = Self.directory.appendingPathComponent(
      "webvtt-py/missing_timeframe.srt"
    ).path
    #expect(
      throws: ImportError.transcript(
        path: path, line: 5, message: "cue 2 has no timing line")
    ) {
      try SRTParser.parse(path: path)
    }
  }

  @Test func srtEmptyCueIsDroppedWithAWarning() throws {
    let result = try srt("missing_caption_text.srt")
    #expect(
      result.cues.map(\.id) == ["1", "3", "4"]
        || result.cues.map(\.id) == ["1", "3", "4", "5"])
    #expect(!result.cues.map(\.id).contains("2"))
    #expect(
      result.diagnostics.map(\.message).contains("cue 2 has no text; dropped"))
  }

  @Test func srtDotBeforeMillisecondsIsReadWithAWarning() throws {
    let result = try srt("invalid_timeframe.srt")
    #expect(result.cues[1].end == 11.89)
    #expect(result.diagnostics.map(\.line) == [6])
    #expect(result.diagnostics.allSatisfy { !$0.isError })
  }

  @Test func textBeforeTheFirstCueIsNotSRT() throws {
    let path = Self.directory.appendingPathComponent(
      "webvtt-py/invalid_format4.srt"
    ).path
    #expect(throws: ImportError.self) { try SRTParser.parse(path: path) }
  }

  // MARK: - Zoom

  @Test func zoomTranscriptMergesConsecutiveCuesBySpeaker() throws {
    let path = Self.directory.appendingPathComponent("zoom-style/example.vtt")
      .path
    let transcript = try TranscriptReader.read(path: path)
    #expect(transcript.turns.map(\.speaker) == ["Christina", "Chris"])
    let expected = try String(
      contentsOf: Self.directory.appendingPathComponent(
        "zoom-style/expected.txt"), encoding: .utf8)
    // expected.txt: "00:00:05 Christina:  text" per merged turn.
    let lines = expected.split(separator: "\n").map { line -> String in
      let afterLabel = line.split(separator: ":", maxSplits: 3).last ?? ""
      return afterLabel.trimmingCharacters(in: .whitespaces)
    }
    #expect(transcript.turns.map(\.text) == lines)
    #expect(transcript.turns[0].start == 5.79)
    #expect(transcript.turns[0].end == 16.12)
    #expect(transcript.turns[1].start == 16.129)
    #expect(transcript.turns[1].end == 20.907)
  }
}
