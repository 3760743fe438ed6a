import Foundation
import QDAImport
import QDATestSupport
import Testing

/// A whole-account export (Export Telegram data) holds every chat, in
/// `chats.list` and `left_chats.list`: the chat asked for is read as its own
/// export would be, the others are stepped over.
@Suite struct TelegramAccountExportTests {
  static let sample = TelegramAccountExport.sample

  static func account() throws -> String { try TelegramAccountExport.text() }

  static func read(_ path: String, chat: String?) throws -> (
    TelegramExportReader, [TelegramMessage]
  ) {
    let reader = try TelegramExportReader(path: path, chat: chat)
    var messages: [TelegramMessage] = []
    while let message = try reader.next() { messages.append(message) }
    return (reader, messages)
  }

  /// The `ImportError.json` reading `path` for `chat` throws.
  static func failure(_ path: String, chat: String?) -> (Int, String)? {
    do {
      _ = try read(path, chat: chat)
    } catch ImportError.json(_, let line, let message) {
      return (line, message)
    } catch {
      Issue.record("\(error)")
    }
    return nil
  }

  @Test func theChatAskedForIsReadAsItsOwnExportIs() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("result.json", Self.account())
    let (alone, expected) = try Self.read(Self.sample.path, chat: nil)
    for chat in ["4242", "Outreach group (synthetic)"] {
      let (reader, messages) = try Self.read(path, chat: chat)
      #expect(reader.isAccountExport)
      #expect(reader.chatID == "4242")
      #expect(reader.chatName == "Outreach group (synthetic)")
      #expect(reader.chatType == "private_supergroup")
      #expect(reader.skipped == alone.skipped)
      #expect(reader.redactions == alone.redactions)
      // The same messages, but for their lines in the bigger file.
      #expect(messages.count == 12)
      #expect(
        messages.map { "\($0.id) \($0.speaker) \($0.text) \($0.attributes)" }
          == expected.map {
            "\($0.id) \($0.speaker) \($0.text) \($0.attributes)"
          })
      #expect(messages.first?.line == (expected.first?.line ?? 0) + 7)
    }
    let (reader, messages) = try Self.read(path, chat: "777")
    #expect(reader.chatName == "Client A")
    #expect(
      messages.map { "\($0.id) \($0.time) \($0.attributes.map(\.value))" } == [
        #"1 03:10:00 ["Client A", "personal_chat", "03"]"#,
        #"2 03:12:00 ["Client A", "personal_chat", "03", "voice_message"]"#,
      ])
    // A left channel is a chat too.
    #expect(try Self.read(path, chat: "Old news").1.map(\.text) == ["Gone"])
  }

  @Test func withoutAChatOrWithAnUnknownOneTheChatsAreListed() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("result.json", Self.account())
    let chats =
      "its chats: 'Outreach group (synthetic)' (id 4242) with 13 messages, 'Client A' (id 777) with 2 messages, 'Old news' (id 99) with 1 message"
    let none = Self.failure(path, chat: nil)
    #expect(none?.0 == 1)
    #expect(
      none?.1
        == "a whole-account export; choose its chat with --chat ID or NAME (or export one chat's history); \(chats)"
    )
    let unknown = Self.failure(path, chat: "Client")
    #expect(
      unknown?.1
        == "a whole-account export without a chat of id or name 'Client'; \(chats)"
    )
    // A chat asked of a one-chat export must be that chat.
    #expect(
      Self.failure(Self.sample.path, chat: "777")?.1
        == "this export is of one chat, 'Outreach group (synthetic)' (id 4242), not '777'"
    )
    #expect(try Self.read(Self.sample.path, chat: "4242").1.count == 12)
    #expect(try !Self.read(Self.sample.path, chat: "4242").0.isAccountExport)
  }

  /// A name that two chats share, in one section or in two, is an error
  /// naming both, at the second; an id names one chat, whatever names the
  /// chats have, and the chats after it are still read for another match.
  @Test func aNameTwoChatsShareIsAnErrorNotAChoice() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    func chat(_ name: String, _ id: Int, _ text: String) -> String {
      """
      {"name": "\(name)", "type": "personal_chat", "id": \(id),
       "messages": [{"id": 1, "type": "message", "date": "2020-04-05T03:10:00",
                     "from": "\(name)", "text": "\(text)"}]}
      """
    }
    let path = try directory.write(
      "result.json",
      """
      {"chats": {"about": "", "list": [
        \(chat("Anna", 1, "first")),
        \(chat("Boris", 2, "second"))]},
       "left_chats": {"list": [
        \(chat("Anna", 3, "third")),
        \(chat("7", 4, "fourth")),
        \(chat("Vera", 7, "fifth"))],
        "about": ""}}
      """)
    let twice = Self.failure(path, chat: "Anna")
    #expect(
      twice?.1
        == "'Anna' names more than one chat: 'Anna' (id 1) and 'Anna' (id 3); choose one with --chat ID"
    )
    #expect(twice?.0 == 9)
    // Ids are unique: each reads its chat, the rest of the file read too.
    #expect(try Self.read(path, chat: "1").1.map(\.text) == ["first"])
    #expect(try Self.read(path, chat: "3").1.map(\.text) == ["third"])
    #expect(try Self.read(path, chat: "Boris").1.map(\.text) == ["second"])
    // One chat's name that is another's id names two chats.
    #expect(
      Self.failure(path, chat: "7")?.1
        == "'7' names more than one chat: '7' (id 4) and 'Vera' (id 7); choose one with --chat ID"
    )
    // A one-chat export has nothing to confuse it with.
    #expect(try Self.read(Self.sample.path, chat: "4242").1.count == 12)
  }

  /// Shapes Telegram does not write are stepped over, not misread, and a
  /// chat stepped over is read a value at a time, whatever it holds.
  @Test func otherShapesAreSteppedOver() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let odd = try directory.write(
      "odd.json",
      """
      {"chats": {"list": 5, "about": {"list": []}},
       "left_chats": {"list": [1, "x", {"name": "A", "messages": 3},
                               {"name": "B", "messages": [[[]], {}]}]},
       "frequent_contacts": [[[[]]]]}
      """)
    #expect(
      Self.failure(odd, chat: "C")?.1
        == "a whole-account export without a chat of id or name 'C'; its chats: 'A' with 0 messages, 'B' with 2 messages"
    )
    // The chat asked for is read as a chat: its elements must be messages.
    #expect(
      Self.failure(odd, chat: "B")?.1 == "a message that is not an object")
    let deep = try directory.write(
      "deep.json",
      "{\"chats\": {\"list\": [{\"messages\": ["
        + String(repeating: "[", count: 300)
        + String(repeating: "]", count: 300)
        + "]}]}}")
    #expect(
      Self.failure(deep, chat: "x")?.1.contains("nested over 200 deep") == true)
  }
}
