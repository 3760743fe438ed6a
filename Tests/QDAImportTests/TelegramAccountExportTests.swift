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
