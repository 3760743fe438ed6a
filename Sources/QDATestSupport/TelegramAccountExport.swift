import Foundation

/// A synthetic whole-account Telegram export (Settings, Advanced, Export
/// Telegram data): the sample chat and a personal chat in `chats`, a left
/// channel in `left_chats`, around members of the account's own.
public enum TelegramAccountExport {
  public static let sample = TestPaths.package(
    "Samples/telegram/outreach-chat.json")

  /// A personal chat of two messages, the second a voice message.
  public static let personal = """
    {
       "name": "Client A",
       "type": "personal_chat",
       "id": 777,
       "messages": [
        {"id": 1, "type": "message", "date": "2020-04-05T03:10:00",
         "from": "Client A", "text": "Are you awake? My arm is swollen."},
        {"id": 2, "type": "message", "date": "2020-04-05T03:12:00",
         "from": "Client A", "media_type": "voice_message", "text": ""}
       ]
      }
    """

  /// The sample chat and the personal one in `chats`, a left channel in
  /// `left_chats`, around members of the account's own.
  public static func text() throws -> String {
    let sample = try String(contentsOf: Self.sample, encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    return """
      {
       "about": "Here is the data you requested.",
       "personal_information": {"user_id": 1, "first_name": "Synthetic"},
       "contacts": {"about": "", "list": [{"first_name": "X", "phone_number": ""}]},
       "chats": {
        "about": "This page lists all chats from this export.",
        "list": [
      \(sample),
      \(Self.personal)
        ]
       },
       "left_chats": {
        "about": "Channels you left.",
        "list": [{"name": "Old news", "type": "public_channel", "id": 99,
                  "messages": [{"id": 5, "type": "message",
                                "date": "2019-01-01T12:00:00", "text": "Gone"}]}]
       },
       "other_data": {"about": "", "changes_log": []}
      }
      """
  }
}
