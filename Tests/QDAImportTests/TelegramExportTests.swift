import Foundation
import QDAImport
import QDATestSupport
import Testing

/// Telegram Desktop's JSON chat exports: the fixtures of
/// ../shared/conformance/telegram, and malformed exports.
@Suite struct TelegramExportTests {
  static let directory = TestPaths.conformance("telegram")

  static func messages(
    _ path: String, redacts: Bool = false
  ) throws -> (TelegramExportReader, [TelegramMessage]) {
    let reader = try TelegramExportReader(
      path: path, redactsIdentifiers: redacts)
    var messages: [TelegramMessage] = []
    while let message = try reader.next() { messages.append(message) }
    return (reader, messages)
  }

  static func attribute(_ message: TelegramMessage, _ name: String) -> String? {
    message.attributes.first { $0.name == name }?.value
  }

  /// Writes `text` to a file of its own and reads it.
  static func read(_ text: String) throws -> [TelegramMessage] {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try messages(directory.write("result.json", text)).1
  }

  /// The `ImportError.json` that reading `text` throws: its line and message.
  static func failure(_ text: String) throws -> (line: Int, message: String) {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("result.json", text)
    do {
      _ = try messages(path)
    } catch ImportError.json(let failing, let line, let message) {
      #expect(failing == path)
      return (line, message)
    }
    Issue.record("no error for \(text.prefix(80))")
    return (0, "")
  }

  static func export(_ messages: String) -> String {
    """
    {
     "name": "Chat",
     "type": "personal_chat",
     "id": 7,
     "messages": [\(messages)]
    }
    """
  }

  @Test func theChatstyleFixtureGivesItsElevenMessages() throws {
    let (reader, messages) = try Self.messages(
      Self.directory.appendingPathComponent("chatstyle/result.json").path)
    #expect(reader.chatName == "Борис")
    #expect(reader.chatType == "personal_chat")
    #expect(reader.chatID == "222")
    // Twelve elements: the pin is a service message.
    #expect(reader.skipped == 1)
    #expect(
      messages.map(\.id) == [
        "1", "2", "3", "4", "5", "7", "8", "9", "10", "11", "12",
      ])
    #expect(messages.map(\.line).prefix(3) == [6, 21, 36])
    #expect(Set(messages.map(\.speaker)) == ["Анна Петрова", "Борис"])
    #expect(messages.allSatisfy { $0.date.description == "2023-05-01" })
    #expect(messages[0].time == "12:01:00")
    #expect(messages.allSatisfy { Self.attribute($0, "hour") == "12" })
    #expect(messages.allSatisfy { Self.attribute($0, "chat") == "Борис" })
    // Text arrays are joined as plain text.
    #expect(messages[2].text == "смотри https://example.com/a круто")
    #expect(messages[3].text == "ну реально норм, @boris_k глянь")
    #expect(messages[10].text == "ладно))\nщас дойду")
    #expect(Self.attribute(messages[5], "forwarded_from") == "Какой-то канал")
    // A sticker and an empty message are units without text.
    #expect(messages[6].text.isEmpty)
    #expect(Self.attribute(messages[6], "media") == "sticker")
    #expect(Self.attribute(messages[7], "media") == "photo")
    #expect(messages[8].text.isEmpty)
    #expect(Self.attribute(messages[8], "media") == nil)
  }

  @Test func handlesAreRedactedByDefault() throws {
    let path = Self.directory.appendingPathComponent("chatstyle/result.json")
      .path
    let (reader, messages) = try Self.messages(path, redacts: true)
    #expect(!messages[3].text.contains("@boris_k"))
    #expect(messages[3].text.hasPrefix("ну реально норм, "))
    #expect(reader.redactions.handles == 1)
  }

  @Test func theTdesktopShapedExport() throws {
    let (reader, messages) = try Self.messages(
      Self.directory.appendingPathComponent(
        "constructed/single_chat_tdesktop_shape.json"
      ).path)
    #expect(reader.chatType == "private_supergroup")
    #expect(reader.chatID == "1234567890")
    // The service message (whose members hold a null) and the unsupported one.
    #expect(reader.skipped == 2)
    #expect(messages.map(\.id) == ["102", "103", "104", "105"])
    #expect(messages[1].text == "Нужна была юридическая помощь, см. сайт")
    #expect(Self.attribute(messages[1], "reply") == "yes")
    #expect(Self.attribute(messages[0], "reply") == nil)
    #expect(messages[2].text.isEmpty)
    #expect(Self.attribute(messages[2], "media") == "voice_message")
    // A deleted account's messages keep its id as their speaker.
    #expect(messages[3].speaker == "user1003")
    #expect(Self.attribute(messages[3], "forwarded_from") == "Канал поддержки")
    #expect(
      messages.map { Self.attribute($0, "hour") } == ["10", "10", "10", "10"])
  }

  /// tdesktop#27571: `\x01` is a control character; `\\x01` is a backslash
  /// and the text `x01`.
  @Test func telegramsHexEscapesAreReadAsCharacters() throws {
    let (_, messages) = try Self.messages(
      Self.directory.appendingPathComponent("constructed/invalid_x_escape.json")
        .path)
    #expect(
      messages.map(\.text) == [
        "before\u{01}after", #"path C:\x01 stays literal"#,
      ])
  }

  @Test func jsonEscapes() throws {
    let message =
      #"{"id": 1, "type": "message", "date": "2020-04-01T23:15:02", "from": "A", "text": "%@"}"#
    func text(_ escaped: String) throws -> String {
      try Self.read(
        Self.export(message.replacingOccurrences(of: "%@", with: escaped))
      )
      .first?.text ?? "<none>"
    }
    #expect(try text(#"a\"b\\c\/d\te\nf"#) == "a\"b\\c/d\te\nf")
    #expect(try text(#"\u043f\u0440\u0438\u0432\u0435\u0442"#) == "привет")
    #expect(try text(#"\ud83d\ude00"#) == "😀")
    // Lone surrogates and NUL, which no text holds, become U+FFFD.
    #expect(try text(#"a\ud83db"#) == "a\u{FFFD}b")
    #expect(try text(#"a\ude00b"#) == "a\u{FFFD}b")
    #expect(try text(#"a\u0000b\x00c"#) == "a\u{FFFD}b\u{FFFD}c")
    #expect(try text(#"\x7f\x41"#) == "\u{7F}A")
  }

  @Test func dateHourAndSpeakerFallbacks() throws {
    let messages = try Self.read(
      Self.export(
        #"""
        {"id": 5, "type": "message", "date": "2020-04-01T23:15:02", "from": null, "from_id": "user9", "text": ["a", {"type": "bold", "text": "b"}, 3]},
        {"id": 6, "type": "message", "date": "2020-04-02T03:00", "text": "x", "file": "f.pdf"}
        """#))
    #expect(messages.map(\.speaker) == ["user9", "unknown"])
    #expect(messages[0].text == "ab")
    #expect(messages.map { Self.attribute($0, "hour") } == ["23", "03"])
    #expect(messages.map(\.date.description) == ["2020-04-01", "2020-04-02"])
    #expect(Self.attribute(messages[1], "media") == "file")
  }

  /// A comma may end an array or an object, as Foundation's parser allows.
  @Test func trailingCommasAreAllowed() throws {
    let messages = try Self.read(
      Self.export(
        #"{"id": 1, "type": "message", "date": "2020-04-01T23:15:02", "text": ["a", "b",],},"#
      ))
    #expect(messages.map(\.text) == ["ab"])
  }

  @Test func anEmptyChatHasNoMessages() throws {
    #expect(try Self.read(Self.export("")).isEmpty)
    #expect(try Self.read(Self.export("\n ")).isEmpty)
  }

  @Test func aChangedMessageHashesDifferently() throws {
    let message = try #require(
      try Self.read(
        Self.export(
          #"{"id": 1, "type": "message", "date": "2020-04-01T23:15:02", "from": "A", "text": "hi"}"#
        )
      ).first)
    var changed = message
    changed.text = "hi!"
    let hash = message.contentHash(field: "text", role: nil)
    #expect(hash == message.contentHash(field: "text", role: nil))
    #expect(hash != changed.contentHash(field: "text", role: nil))
    #expect(hash != message.contentHash(field: "text", role: "client"))
    #expect(hash != message.contentHash(field: "request", role: nil))
  }

  @Test func malformedExportsNameTheirLine() throws {
    let good =
      #"{"id": 1, "type": "message", "date": "2020-04-01T23:15:02", "text": "a"}"#
    let cases: [(String, Int, String)] = [
      (
        Self.export(good + ",\n,"), 6,
        "unexpected character where a value should be"
      ),
      (
        Self.export("," + good), 5,
        "unexpected character where a value should be"
      ),
      (
        Self.export(#"{"id": 1,, "x": 2}"#), 5,
        "expected a member name in double quotes"
      ),
      (Self.export(good + ",\n" + good.dropLast()), 6, "expected ',' or '}'"),
      (
        Self.export("\n" + #"{"id": 1, "type": "message", "text": "a"}"#), 6,
        "message 1 has no date"
      ),
      (
        Self.export(#"{"type": "message", "date": "2020-04-01T23:15:02"}"#), 5,
        "a message without an id"
      ),
      (
        Self.export(
          #"{"id": 1, "type": "message", "date": "2020-13-01T10:00:00"}"#), 5,
        "has no date"
      ),
      (
        Self.export(
          #"{"id": 1, "type": "message", "date": "2020-12-01T25:00:00"}"#), 5,
        "has no date"
      ),
      (Self.export(#""text""#), 5, "a message that is not an object"),
      (Self.export(#"{"id": 01}"#), 5, "malformed number"),
      (Self.export(#"{"id": 1, "x": tru}"#), 5, "unexpected word"),
      (Self.export("{\"id\": \"a\nb\"}"), 5, "a line break inside a string"),
      (Self.export(#"{"id": "\q"}"#), 5, "unknown escape"),
      (Self.export(#"{"id": "\x4"}"#), 5, "\\x needs 2 hexadecimal digits"),
      ("{\"name\": \"never closes", 1, "a string that never closes"),
      (#"{"name": "x"}"#, 1, "no 'messages' in this JSON"),
      (#"{"chats": {"list": []}}"#, 1, "a whole-account export"),
      ("[1, 2]", 1, "expected a Telegram export"),
      (Self.export("") + "\n{}", 7, "text after the end of the JSON"),
      (
        "{\"messages\": [" + String(repeating: "[", count: 100_000), 1,
        "nested over 200 deep"
      ),
    ]
    for (text, line, message) in cases {
      let failure = try Self.failure(text)
      #expect(failure.line == line, "\(text.prefix(200))")
      #expect(failure.message.contains(message), "\(failure.message)")
    }
  }

  @Test func invalidUTF8InAStringIsRefused() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("result.json")
    var bytes = Array(Self.export(#"{"id": 1, "text": "ab"}"#).utf8)
    bytes.insert(0xFF, at: bytes.firstIndex(of: UInt8(ascii: "b"))!)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(
      throws: ImportError.json(
        path: path, line: 5, message: "a string that is not valid UTF-8")
    ) {
      _ = try Self.messages(path)
    }
  }

  @Test func missingAndEmptyFiles() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let missing = directory.path("none.json")
    #expect(throws: ImportError.missingFile(path: missing)) {
      _ = try TelegramExportReader(path: missing)
    }
    let empty = try directory.write("empty.json", "")
    #expect(throws: ImportError.emptyFile(path: empty)) {
      _ = try TelegramExportReader(path: empty)
    }
  }

  /// A byte order mark before the object is allowed.
  @Test func aByteOrderMarkIsSkipped() throws {
    let messages = try Self.read(
      "\u{FEFF}"
        + Self.export(
          #"{"id": 1, "type": "message", "date": "2020-04-01T23:15:02", "text": "a"}"#
        ))
    #expect(messages.map(\.text) == ["a"])
  }
}
