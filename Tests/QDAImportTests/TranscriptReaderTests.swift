import Foundation
import QDAImport
import QDATestSupport
import Testing

/// Each transcript form, with its own fixture: turn boundaries, speakers,
/// roles and times.
@Suite struct TranscriptReaderTests {
  static func fixture(_ name: String) -> String {
    TestPaths.package("Tests/QDAImportTests/Fixtures/transcripts/\(name)").path
  }

  struct Summary: Equatable, CustomStringConvertible {
    var speaker: String
    var role: String
    var start: Double?
    var end: Double?
    var text: String
    var description: String {
      "\(speaker)/\(role)/\(start.map { "\($0)" } ?? "-")/\(text)"
    }
  }

  func summaries(_ transcript: Transcript) -> [Summary] {
    transcript.turns.map {
      Summary(
        speaker: $0.speaker, role: $0.role, start: $0.start, end: $0.end,
        text: $0.text)
    }
  }

  @Test func textWithFrontMatterTimestampsAndContinuationLines() throws {
    let transcript = try TranscriptReader.read(path: Self.fixture("labels.txt"))
    #expect(transcript.name == "labels")
    #expect(
      transcript.title == "Synthetic interview with a web outreach worker")
    #expect(transcript.date?.description == "2020-06-12")
    #expect(transcript.language == "en")
    #expect(transcript.attributes.map(\.name) == ["platform"])
    #expect(
      summaries(transcript) == [
        Summary(
          speaker: "Interviewer", role: "interviewer", start: nil, end: nil,
          text:
            "Thank you for agreeing to talk. How do clients usually reach you?"),
        Summary(
          speaker: "Web outreach worker #2", role: "outreach-worker", start: 14,
          end: nil,
          text: """
            Mostly through the group chat.
            Someone posts a question and I answer there.

            Note: sometimes they write to me directly.
            And at night, of course, nobody answers until morning.
            """),
        Summary(
          speaker: "Interviewer", role: "interviewer", start: nil, end: nil,
          text: "What happens then?"),
        Summary(
          speaker: "Р1", role: "participant", start: nil, end: nil,
          text:
            "Я отвечаю утром и объясняю, что ночью мы спим.\nИногда прошу написать текстом вместо голосового."
        ),
        Summary(
          speaker: "Interviewer", role: "interviewer", start: nil, end: nil,
          text: "Thank you."),
      ])
    #expect(transcript.turns.map(\.number) == [1, 2, 3, 4, 5])
    #expect(transcript.turns.map(\.line) == [9, 10, 15, 16, 18])
  }

  @Test func markdownWithBoldLabelsAndHeadings() throws {
    let transcript = try TranscriptReader.read(path: Self.fixture("bold.md"))
    #expect(
      transcript.turns.map(\.speaker) == [
        "Interviewer", "Worker 3", "Interviewer", "Worker 3",
      ])
    #expect(
      transcript.turns[1].text
        == "Usually the clients do.\nThey find us through friends.")
    #expect(
      transcript.turns.map(\.role) == [
        "interviewer", "participant", "interviewer", "participant",
      ])
  }

  @Test func webVTTVoicesIdsSettingsAndSkippedBlocks() throws {
    let transcript = try TranscriptReader.read(path: Self.fixture("voices.vtt"))
    #expect(
      summaries(transcript) == [
        Summary(
          speaker: "Interviewer", role: "interviewer", start: 1, end: 4.5,
          text: "Could you tell me how a request starts?"),
        Summary(
          speaker: "Anna K.", role: "participant", start: 5, end: 12.25,
          text:
            "It starts in the chat, mostly. Then I write to the person privately."
        ),
        Summary(
          speaker: "Interviewer", role: "interviewer", start: 12.5, end: 14,
          text: "Thank you."),
      ])
  }

  @Test func zoomStyleRussianCuesAndDeclaredRoles() throws {
    let transcript = try TranscriptReader.read(
      path: Self.fixture("zoom.vtt"), name: "worker-1",
      roles: ["Аутрич-работник 1": "outreach-worker"])
    #expect(transcript.name == "worker-1")
    #expect(
      summaries(transcript) == [
        Summary(
          speaker: "Интервьюер", role: "interviewer", start: 1, end: 5,
          text: "Расскажите, пожалуйста, как клиенты выходят на связь?"),
        Summary(
          speaker: "Аутрич-работник 1", role: "outreach-worker", start: 5.5,
          end: 14,
          text:
            "Чаще всего пишут в общий чат. Иногда сразу в личку, если вопрос личный."
        ),
        Summary(
          speaker: "Интервьюер", role: "interviewer", start: 14.5, end: 16,
          text: "Понятно, спасибо."),
      ])
  }

  @Test func srtWithSpeakerPrefixes() throws {
    let transcript = try TranscriptReader.read(
      path: Self.fixture("captions.srt"))
    #expect(
      summaries(transcript) == [
        Summary(
          speaker: "Interviewer", role: "interviewer", start: 1, end: 3,
          text: "Do clients send voice messages?"),
        Summary(
          speaker: "Worker", role: "participant", start: 3.5, end: 8,
          text:
            "Yes, and I cannot always listen at once. So I ask them to type."),
      ])
  }

  @Test func identifiersInTurnsAreRedacted() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write(
      "t.txt",
      "A: Is this your number?\nB: Yes, +7 921 555-01-23, or write to @outreach_spb.\n"
    )
    let transcript = try TranscriptReader.read(path: path)
    #expect(transcript.turns[1].text == "Yes, [phone], or write to [handle].")
    #expect(transcript.redactions.total == 2)
  }

  @Test func badTranscriptsAreRefusedNamingTheLine() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let cases: [(String, [UInt8], String)] = [
      (
        "none.txt", Array("Just some notes.\nNo speakers here.\n".utf8),
        ":1: error: no speaker labels"
      ),
      (
        "unsigned.vtt", Array("00:00.000 --> 00:01.000\nText\n".utf8),
        ":1: error: not a WebVTT file"
      ),
      (
        "badtime.vtt",
        Array("WEBVTT\n\n00:00:1x.000 --> 00:00:02.000\nA: hi\n".utf8),
        ":3: error: malformed cue timing"
      ),
      (
        "binary.txt", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x0D, 0x0A, 0x1A, 0x0A],
        ": error:"
      ),
      ("empty.vtt", [], ":1: error: the file is empty"),
    ]
    for (name, bytes, message) in cases {
      let path = try directory.write(name, bytes: bytes)
      #expect {
        try TranscriptReader.read(path: path)
      } throws: { error in
        String(describing: error).contains(path + message)
          || (message == ": error:"
            && String(describing: error).contains("error:"))
      }
    }
  }
}

@Suite struct SpeakerLabelFormTests {
  @Test func zoomTextExportWithBareTimestamps() throws {
    let transcript = try TranscriptReader.read(
      path: TranscriptReaderTests.fixture("zoom-export.txt"))
    #expect(
      transcript.turns.map(\.speaker) == [
        "Christina", "Chris", "Christina", "Chris",
      ])
    #expect(transcript.turns.map(\.start) == [5, 16, 30, 41])
    #expect(transcript.turns[0].text == "Lorem ipsum dolor sit amet?")
  }

  @Test func labelsWithRolesInParenthesesAndTitles() throws {
    let transcript = try TranscriptReader.read(
      path: TranscriptReaderTests.fixture("roles-in-labels.txt"))
    #expect(
      transcript.turns.map(\.speaker) == [
        "Interviewer", "Anna (outreach worker)", "Dr. Smith", "Interviewer",
        "Anna (outreach worker)", "Dr. Smith",
      ])
    #expect(transcript.turns[4].text == "Note: we sleep at night.")
  }
}

@Suite struct CueTextDepthTests {
  /// Tags nested past the bound are ignored, their text kept, and the tags
  /// around them still close where they should.
  @Test func tagsDeeperThanTheBoundAreIgnored() {
    let depth = CueText.maximumDepth + 100
    let text =
      String(repeating: "<b>", count: depth) + "deep"
      + String(repeating: "</b>", count: depth) + " after"
    let cue = CueText(text)
    #expect(cue.plainText == "deep after")
    var levels = 0
    var nodes = cue.nodes
    while case .element(let element)? = nodes.first {
      levels += 1
      nodes = element.children
    }
    #expect(levels == CueText.maximumDepth)
    #expect(cue.nodes.count == 2)
  }
}
