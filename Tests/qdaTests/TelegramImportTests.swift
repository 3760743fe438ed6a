import Foundation
import QDATestSupport
import Testing

/// `qda import telegram` on the synthetic chat of Samples/telegram, end to
/// end: import, code with the study's codebook, count by hour.
@Suite struct TelegramImportTests {
  static let chat = TestPaths.package("Samples/telegram/outreach-chat.json")
    .path
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path

  func qda(_ arguments: [String], in directory: TemporaryDirectory) throws
    -> CommandResult
  {
    let result = try CommandRunner.qda(arguments, in: directory.url)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return result
  }

  @Test func theSampleChatImportsAsMessages() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let imported = try qda(["import", "telegram", Self.chat], in: directory)
    #expect(
      imported.stderr.contains(
        "imported 'telegram-4242': 12 added, 0 changed, 0 unchanged, 0 removed (chat 'Outreach group (synthetic)', private_supergroup)"
      ))
    #expect(
      imported.stderr.contains("skipped 1 service or unsupported message"))
    #expect(imported.stderr.contains("redacted 1 identifier"))
    let units = try #require(
      try JSONSerialization.jsonObject(
        with: Data(
          qda(["export", "units", "--format", "json"], in: directory).stdout
            .utf8)) as? [[String: Any]])
    #expect(
      units.map { $0["unit"] as? String }
        == (2...13).map { "telegram-4242:\($0)" })
    #expect(units.allSatisfy { $0["kind"] as? String == "message" })
    #expect(units[1]["speaker"] as? String == "Client A")
    #expect(units[1]["date"] as? String == "2020-04-01")
    let texts = units.map { $0["text"] as? String ?? "" }
    // The phone number is redacted; `\x01` is the character U+0001.
    #expect(!texts[2].contains("900"))
    #expect(texts[9].hasSuffix("еду к вам.\u{01}"))
    #expect(texts[3].isEmpty)
    // Re-importing the unchanged file does nothing.
    let again = try qda(["import", "telegram", Self.chat], in: directory)
    #expect(
      again.stderr.contains(
        "'telegram-4242' is unchanged since its last import (12 messages); nothing to do"
      ))
  }

  /// Clients' messages named `request` are coded by the work-report rules;
  /// the hour and the media code the night-time requests (midnight to six)
  /// and voice messages, with no field or span.
  @Test func clientsMessagesAreCodedAsRequests() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try qda(
      ["import", "telegram", Self.chat, "--text-field", "request"],
      in: directory)
    _ = try qda(["code", "auto", "--codebook", Self.codebook], in: directory)
    let codings = try qda(
      ["export", "codings", "--format", "csv"], in: directory
    )
    .stdout.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",").prefix(2).joined(separator: " ")
    }
    #expect(
      codings == [
        "telegram-4242:2 online-only.hr-information",
        "telegram-4242:3 hybrid.severe-complications",
        "telegram-4242:5 challenge.nighttime",
        "telegram-4242:5 challenge.voice-messages",
        "telegram-4242:6 online-only.minor-complications",
        "telegram-4242:7 online-only.hr-information",
        "telegram-4242:8 hybrid.offline-services",
        "telegram-4242:8 hybrid.hr-services",
        "telegram-4242:8 challenge.nighttime",
        "telegram-4242:9 hybrid.offline-services",
        "telegram-4242:9 hybrid.hr-services",
        "telegram-4242:10 hybrid.hr-services",
        "telegram-4242:10 hybrid.overdose",
        "telegram-4242:11 hybrid.hr-services",
        "telegram-4242:12 online-only.covid-information",
      ])
    let byHour = try qda(
      ["freq", "--by", "hour", "--format", "csv"], in: directory)
    #expect(
      byHour.stdout == """
        code,01,02,08,09,10,11,12,22,23,total
        online-only.minor-complications,0,0,0,0,1,0,0,0,0,1
        online-only.hr-information,0,0,0,1,1,0,0,0,0,2
        online-only.covid-information,0,0,0,0,0,0,1,0,0,1
        hybrid.offline-services,1,0,0,0,0,1,0,0,0,2
        hybrid.severe-complications,0,0,0,0,0,0,0,0,1,1
        hybrid.hr-services,1,0,0,0,0,1,0,1,1,4
        hybrid.overdose,0,0,0,0,0,0,0,1,0,1
        challenge.nighttime,1,1,0,0,0,0,0,0,0,2
        challenge.voice-messages,0,1,0,0,0,0,0,0,0,1

        """)
    // unit, code, coder, rule, codebook, field, start, end, memo: the whole
    // message, no field or span.
    let voice = try qda(
      ["export", "codings", "--format", "csv"], in: directory
    )
    .stdout.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    .filter { $0[1] == "challenge.voice-messages" }
    #expect(voice.count == 1)
    #expect(
      voice.first.map { Array($0.prefix(4)) + Array($0.dropFirst(5)) } == [
        "telegram-4242:5", "challenge.voice-messages", "auto", "voice-message",
        "", "", "", "",
      ])
    let byMedia = try qda(
      ["freq", "--by", "media", "--format", "csv"], in: directory)
    #expect(byMedia.stdout.hasPrefix("code,"))
    // Another field name is another import: the messages change, and their
    // codings go.
    let renamed = try qda(["import", "telegram", Self.chat], in: directory)
    #expect(renamed.stderr.contains("0 added, 12 changed"))
    #expect(
      renamed.stderr.contains("15 auto codings of changed messages dropped"))
  }

  /// `qda diff` of two codebooks reads the attributes their rules test: the
  /// shipped codebook against itself without its rules on `hour` and
  /// `media`.
  @Test func codebookDiffSeesAttributeRules() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try qda(["import", "telegram", Self.chat], in: directory)
    let shipped = try String(contentsOfFile: Self.codebook, encoding: .utf8)
    var without = shipped
    for rule in ["nighttime-message", "voice-message"] {
      let start = try #require(without.range(of: "          - id: \(rule)\n"))
      let end =
        without.range(
          of: "\n      - id: ", range: start.upperBound..<without.endIndex)?
        .lowerBound ?? without.endIndex
      without.replaceSubrange(start.lowerBound..<end, with: "")
    }
    let old = try directory.write("old.yml", without)
    let diff = try qda(
      [
        "diff", "--codebook", old, "--codebook", Self.codebook, "--units",
        "--format", "csv",
      ], in: directory)
    #expect(
      diff.stdout == """
        unit,code,change
        telegram-4242:5,challenge.nighttime,+
        telegram-4242:5,challenge.voice-messages,+
        telegram-4242:8,challenge.nighttime,+

        """)
  }

  /// A whole-account export: each chat `--chat` names is a source of its
  /// own, its units those of the chat's own export; without `--chat` the
  /// chats are listed and nothing is written; a project file's `chat:`.
  @Test func chatsOfAWholeAccountExport() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let account = try directory.write(
      "result.json", TelegramAccountExport.text())
    let refused = try CommandRunner.qda(
      ["import", "telegram", account], in: directory.url)
    #expect(refused.status == 65)
    #expect(
      refused.stderr.hasPrefix(
        "\(account):1: error: a whole-account export; choose its chat with --chat ID or NAME"
      ))
    #expect(refused.stderr.contains("'Client A' (id 777) with 2 messages"))
    #expect(
      !FileManager.default.fileExists(atPath: directory.path("qda.sqlite")))

    _ = try qda(
      ["import", "telegram", account, "--chat", "4242"], in: directory)
    let added = try qda(
      ["import", "telegram", account, "--chat", "Client A"], in: directory)
    #expect(
      added.stderr.contains(
        "imported 'telegram-777': 2 added, 0 changed, 0 unchanged, 0 removed (chat 'Client A', personal_chat)"
      ))
    let again = try qda(
      ["import", "telegram", account, "--chat", "777"], in: directory)
    #expect(
      again.stderr.contains("'telegram-777' is unchanged since its last import")
    )
    func units(_ arguments: [String], in directory: TemporaryDirectory) throws
      -> String
    {
      try qda(
        ["export", "units", "--format", "csv"] + arguments, in: directory
      ).stdout
    }
    // The group's units are those of its own export, read in a database
    // of their own.
    let alone = try TemporaryDirectory()
    defer { alone.remove() }
    _ = try qda(["import", "telegram", Self.chat], in: alone)
    #expect(
      try units(["--source", "telegram-4242"], in: directory)
        == units([], in: alone))
    #expect(
      try units(["--source", "telegram-777"], in: directory)
        .split(separator: "\n").count == 3)

    // The same from a project file.
    let project = try directory.write(
      "qda.yml",
      """
      database: project.sqlite
      codebook: \(Self.codebook)
      sources:
        - telegram: result.json
          chat: Client A
      """)
    _ = try qda(["run", project], in: directory)
    #expect(
      try units(["--db", directory.path("project.sqlite")], in: directory)
        == units(["--source", "telegram-777"], in: directory))
  }

  /// The README's example: the sample whole-account export, refused
  /// without `--chat` (the database left as it was), then one chat coded
  /// by its words, its hour and its media.
  @Test func theSampleAccountExportAsTheReadmeShowsIt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let account = TestPaths.package("Samples/telegram-account/result.json")
      .path
    _ = try qda(
      [
        "import", "telegram", account, "--chat", "Client A", "--text-field",
        "request",
      ], in: directory)
    let database = directory.url.appendingPathComponent("qda.sqlite")
    let before = try Data(contentsOf: database)
    let refused = try CommandRunner.qda(
      ["import", "telegram", account], in: directory.url)
    #expect(refused.status == 65)
    #expect(
      refused.stderr == """
        \(account):1: error: a whole-account export; choose its chat with --chat ID or NAME (or export one chat's history); its chats: 'Client A' (id 777) with 3 messages, 'Harm reduction news' (id 900) with 1 message

        """)
    #expect(try Data(contentsOf: database) == before)
    _ = try qda(["code", "auto", "--codebook", Self.codebook], in: directory)
    let codings = try qda(
      ["export", "codings", "--coder", "auto", "--format", "csv"],
      in: directory
    ).stdout.split(separator: "\n").map {
      let columns = $0.split(separator: ",", omittingEmptySubsequences: false)
      return ([0, 1, 3] + Array(5..<8)).map { String(columns[$0]) }
        .joined(separator: ",")
    }
    #expect(
      codings == [
        "unit,code,rule,field,start,end",
        "telegram-777:1,hybrid.severe-complications,severe-swelling-en,request,25,32",
        "telegram-777:1,challenge.nighttime,nighttime-message,,,",
        "telegram-777:2,challenge.nighttime,nighttime-message,,,",
        "telegram-777:2,challenge.voice-messages,voice-message,,,",
        "telegram-777:3,hybrid.severe-complications,severe-infection-en,request,34,41",
      ])
  }

  /// The README's example of a name two chats share.
  ///
  /// The sample export has its channel renamed after the client. Asking
  /// by that name is refused at the second chat, naming both, with the
  /// database as it was, even when the file is unchanged since the first
  /// chat was imported from it; asking by id imports the one chat.
  @Test func aNameTwoChatsShareAsTheReadmeShowsIt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let sample = try String(
      contentsOf: TestPaths.package("Samples/telegram-account/result.json"),
      encoding: .utf8)
    let path = try directory.write(
      "two-clients.json",
      sample.replacingOccurrences(
        of: #""Harm reduction news""#, with: #""Client A""#))
    _ = try qda(["import", "telegram", path, "--chat", "777"], in: directory)
    let database = directory.url.appendingPathComponent("qda.sqlite")
    let before = try Data(contentsOf: database)
    let refused = try CommandRunner.qda(
      ["import", "telegram", path, "--chat", "Client A"], in: directory.url)
    #expect(refused.status == 65)
    #expect(
      refused.stderr == """
        \(path):45: error: 'Client A' names more than one chat: 'Client A' (id 777) and 'Client A' (id 900); choose one with --chat ID

        """)
    #expect(try Data(contentsOf: database) == before)
    let chosen = try CommandRunner.qda(
      ["import", "telegram", path, "--chat", "900", "--quiet"],
      in: directory.url)
    #expect(chosen.status == 0)
    #expect(chosen.stdout.isEmpty && chosen.stderr.isEmpty)
    let units = try qda(["export", "units", "--format", "csv"], in: directory)
      .stdout
    #expect(units.contains("\ntelegram-777:1,telegram-777,"))
    #expect(units.contains("\ntelegram-900:"))
  }

  @Test func rolesAndNames() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try qda(
      [
        "import", "telegram", Self.chat, "--name", "group",
        "--role", "Outreach worker 1=outreach-worker",
      ], in: directory)
    let units = try qda(["export", "units", "--format", "csv"], in: directory)
      .stdout
    #expect(
      units.contains("\ngroup:2,group,message,Outreach worker 1,2020-04-01,"))
    let found = try qda(["find", "налоксон"], in: directory).stdout
    #expect(found.contains("group:10"))
    #expect(found.contains("group:11"))
  }

  /// Message ids counted up past 9, 99 and 999 are out of SQLite's text
  /// order (`chat:10` before `chat:9`) but taken as ascending by the
  /// writes (`UnitOrder.follows`); the tally's counts by attribute, read
  /// beside the units, must equal counts made from the codings.
  @Test func countsHoldForIdsCountedUpPastPowersOfTen() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let requests = [
      "Abscess on the left forearm, red and hard.",
      "Can I get tested for HIV at the bus?",
      "Вены на руках спрятались, не могу найти, куда колоть.",
      "Друг передозировал, есть налоксон?",
      "Is the coronavirus dangerous for people with HIV?",
    ]
    let messages = (1...1_200).map { id in
      let media = id % 7 == 0 ? #", "media_type": "voice_message""# : ""
      let hour = String(format: "%02d", id % 24)
      return """
        {"id": \(id), "type": "message", "date": "2020-0\(1 + id % 9)-01T\(hour):00:00", \
        "from": "Client \(id % 13)"\(media), "text": "\(requests[id % requests.count])"}
        """
    }
    let file = try directory.write(
      "result.json",
      """
      {"name": "C", "type": "private_group", "id": 5, "messages": [
      \(messages.joined(separator: ",\n"))
      ]}
      """)
    _ = try qda(
      ["import", "telegram", file, "--text-field", "request"], in: directory)
    _ = try qda(["code", "auto", "--codebook", Self.codebook], in: directory)
    for by in ["code", "hour", "media", "month", "chat_type"] {
      let tallied = try qda(
        ["freq", "--by", by, "--format", "csv"], in: directory
      ).stdout
      // A source filter reads past the tally, from the codings.
      let counted = try qda(
        ["freq", "--by", by, "--format", "csv", "--source", "telegram-5"],
        in: directory
      ).stdout
      #expect(tallied == counted, "--by \(by)")
      #expect(tallied.split(separator: "\n").count > 2, "--by \(by)")
    }
  }

  /// A report of a chat alone names its units messages, and counts the
  /// months and the attributes (hour, media) over them.
  @Test func theReportOfAChatSpeaksOfMessages() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try qda(
      ["import", "telegram", Self.chat, "--text-field", "request"],
      in: directory)
    _ = try qda(["code", "auto", "--codebook", Self.codebook], in: directory)
    _ = try qda(
      ["report", "--format", "markdown", "--output", "report.md"], in: directory
    )
    let report = try String(
      contentsOfFile: directory.path("report.md"), encoding: .utf8)
    for line in [
      "- Sources: telegram-4242 (Telegram chat, 12 messages)",
      "- Units: 12 messages",
      "4 of 12 messages (only four messages).",
      "| `hybrid.hr-services` | HIV and HCV testing, harm reduction kits and PrEP | 4 | 33.3 | only four messages | 2020-04 |",
      "## How needs split between themes",
      "## Codes by month", "## Codes by hour", "## Codes by media",
      "> — message telegram-4242:10, 2020-04-03",
    ] {
      #expect(report.contains(line), "\(line)")
    }
    #expect(!report.contains("cases"))
  }
}
