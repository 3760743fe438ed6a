import Crypto
import Foundation

/// One message of a Telegram chat export, as qda stores it: a unit.
public struct TelegramMessage: Sendable, Equatable {
  /// The message id within its chat (`"103"`).
  public var id: String
  /// The line of the export where the message starts.
  public var line: Int
  /// The day it was sent, as the export gives it (the exporter's local time).
  public var date: CalendarDate
  /// The time of day, `HH:MM:SS`.
  public var time: String
  /// The sender: `from`, or `from_id` for a deleted account.
  public var speaker: String
  /// The text, its formatted parts (links, bold, mentions) joined as plain
  /// text; empty for a sticker or voice message without a caption.
  public var text: String
  /// `chat`, `chat_type` and `hour` for every message; `media`,
  /// `forwarded_from` and `reply` (`yes`) where the message has them.
  public var attributes: [(name: String, value: String)]

  public static func == (lhs: TelegramMessage, rhs: TelegramMessage) -> Bool {
    lhs.id == rhs.id && lhs.line == rhs.line && lhs.date == rhs.date
      && lhs.time == rhs.time && lhs.speaker == rhs.speaker
      && lhs.text == rhs.text
      && lhs.attributes.elementsEqual(rhs.attributes, by: { $0 == $1 })
  }

  /// A hash of everything stored of the message, to tell a changed message
  /// on re-import.
  ///
  /// The first 15 hexadecimal digits of a SHA-256, as every unit's.
  ///
  /// - Parameters:
  ///   - field: The name the text is stored under.
  ///   - role: The speaker's role as given on the command line.
  /// - Returns: The hash.
  public func contentHash(field: String, role: String?) -> String {
    // Each part as its UTF-8 length (8 bytes, little-endian), then its
    // bytes, gathered in one buffer and hashed at once: an update of a
    // running hash per part cost more than the hashing (as for work
    // reports).
    var bytes: [UInt8] = []
    bytes.reserveCapacity(64 + text.utf8.count)
    func add(_ part: String) {
      withUnsafeBytes(of: UInt64(part.utf8.count).littleEndian) {
        bytes.append(contentsOf: $0)
      }
      bytes.append(contentsOf: part.utf8)
    }
    for part in [id, date.description, time, speaker, role ?? "", field, text] {
      add(part)
    }
    for attribute in attributes {
      add(attribute.name)
      add(attribute.value)
    }
    return SHA256.hash(data: bytes).unitHash
  }
}

/// Reads a chat exported by Telegram Desktop as JSON (Settings → Advanced →
/// Export Telegram data, or a chat's "Export chat history", format JSON):
/// its messages one at a time, so that a chat of any length is read in
/// bounded memory.
///
/// The export is one object: the chat's `name`, `type` and `id`, then
/// `messages`, an array of messages. Ordinary messages (`"type":
/// "message"`) are read; service messages (joins, pins, calls) and
/// messages the exporter did not support are counted and skipped. A text
/// is a string or an array of strings and formatted parts (`{"type":
/// "link", "text": …}`), joined as plain text. Telegram's `\xHH` escapes
/// are read as the characters they stand for (see ``JSONReader``).
/// Phone numbers, e-mail addresses, handles and links are redacted unless
/// asked not to.
///
/// A whole-account export (Export Telegram data: `chats.list` and
/// `left_chats.list`, each chat such an object) is read for the one chat
/// `chat` names, by its id or its name; the others' messages are stepped
/// over one at a time. Without `chat`, or when no chat has it, the export
/// is refused with a message listing its chats.
public final class TelegramExportReader {
  /// The file.
  public let path: String
  /// The chat's name, when the export gives it before its messages.
  public private(set) var chatName: String?
  /// The chat's type (`personal_chat`, `private_group`,
  /// `private_supergroup`, `public_channel`, …).
  public private(set) var chatType: String?
  /// The chat's id, as the export writes it.
  public private(set) var chatID: String?
  /// How many messages were skipped: service messages and others that are
  /// not ordinary messages.
  public private(set) var skipped = 0
  /// How many messages were read.
  public private(set) var messageCount = 0
  /// How many identifiers were redacted.
  public private(set) var redactions = RedactionCounts()
  /// The chat asked for (an id or a name), for a whole-account export.
  public let chat: String?
  /// Whether the file is a whole-account export, of which the chat asked
  /// for is read.
  public private(set) var isAccountExport = false

  /// The SHA-256 of the file's bytes, lowercase hex, waited for: it is
  /// made on a thread of its own while the messages are read.
  public var contentHash: @Sendable () throws -> String {
    { [hash] in try hash.value() }
  }

  private let hash: FileHash
  private var json: JSONReader
  private let redactor: Redactor?
  private let fileSize: Int
  /// Whether the reader is inside the `messages` array, and has read an
  /// element of it.
  private var isInMessages = false
  private var hasReadMessage = false
  private var isDone = false
  /// Whether the outer object has had a member.
  private var hasReadMember = false
  /// Whether the messages read are those of a chat in a whole-account
  /// export, whose list and section are still open around them.
  private var isInAccount = false
  /// The chats of a whole-account export met so far, for a message.
  private var chatsMet: [(name: String?, id: String?, messages: Int)] = []
  /// Whether the chat asked for has been met in a whole-account export:
  /// another it names is then an error.
  private var hasChosenChat = false

  /// Opens an export and reads up to its first message.
  ///
  /// - Throws: `ImportError` for a missing or unreadable file, malformed
  ///   JSON, and JSON that is not a chat export.
  public init(
    path: String, redactsIdentifiers: Bool = true, chat: String? = nil
  )
    throws
  {
    self.path = path
    self.chat = chat
    let stream = try ByteStream(path: path, chunkSize: 1 << 16)
    json = JSONReader(path: path, stream: stream)
    redactor = redactsIdentifiers ? Redactor() : nil
    hash = FileHash(path: path)
    fileSize =
      ((try? FileManager.default.attributesOfItem(atPath: path))?[.size]
        as? Int) ?? 0
    if json.isAtEnd() { throw ImportError.emptyFile(path: path) }
    // A byte order mark, which some editors add.
    json.skipByteOrderMark()
    do {
      try json.beginObject()
    } catch {
      throw json.error(
        "expected a Telegram export: a JSON object with the chat's messages")
    }
    try readHeader()
  }

  deinit {
    // Nobody asks for the hash of an export that failed.
    hash.cancel()
  }

  /// The share of the file read, 0...1.
  public var fractionRead: Double {
    fileSize > 0 ? min(1, Double(json.offset) / Double(fileSize)) : 1
  }

  /// Reads members of the outer object up to the `messages` array: its
  /// own, or those of the chat asked for in a whole-account export.
  private func readHeader() throws {
    var isAccount = false
    while let key = try json.nextKey(isFirst: !hasReadMember) {
      hasReadMember = true
      switch key {
      case "messages":
        if let chat, !isAccount, chat != chatID, chat != chatName {
          throw json.error(
            "this export is of one chat, \(Self.describe(name: chatName, id: chatID)), not '\(chat)'",
            line: 1)
        }
        try json.beginArray()
        isInMessages = true
        return
      case "chats", "left_chats":
        isAccount = true
        if try enterChosenChat() {
          isAccountExport = true
          isInAccount = true
          isInMessages = true
          return
        }
      case "name": chatName = try json.readValue().string
      case "type": chatType = try json.readValue().string
      case "id": chatID = Self.text(of: try json.readValue())
      default: try json.skipValue()
      }
    }
    try json.end()
    if isAccount {
      chatName = nil
      chatType = nil
      chatID = nil
      throw json.error(accountProblem, line: 1)
    }
    throw json.error(
      "no 'messages' in this JSON: expected a chat exported by Telegram Desktop as JSON",
      line: 1)
  }

  /// Why a whole-account export was not read: no chat asked for, or none
  /// with that id or name; and its chats.
  private var accountProblem: String {
    let listed = chatsMet.prefix(20).map {
      "\(Self.describe(name: $0.name, id: $0.id)) with \($0.messages) message"
        + ($0.messages == 1 ? "" : "s")
    }
    let more = chatsMet.count > 20 ? ", and \(chatsMet.count - 20) more" : ""
    let chats =
      chatsMet.isEmpty
      ? "it has no chats"
      : "its chats: \(listed.joined(separator: ", "))\(more)"
    if let chat {
      return
        "a whole-account export without a chat of id or name '\(chat)'; \(chats)"
    }
    return
      "a whole-account export; choose its chat with --chat ID or NAME (or export one chat's history); \(chats)"
  }

  /// `'Name' (id 42)`, as far as known.
  private static func describe(name: String?, id: String?) -> String {
    let id = id.map { "id \($0)" }
    guard let name else { return id ?? "a chat without name or id" }
    return "'\(name)'" + (id.map { " (\($0))" } ?? "")
  }

  /// Steps through the value of a section of a whole-account export
  /// (`chats`, `left_chats`: `{"about": …, "list": [chat, …]}`) up to the
  /// messages of the chat asked for, and returns whether it found them; the
  /// other chats are counted and stepped over.
  private func enterChosenChat() throws -> Bool {
    guard json.nextValueStarts(with: UInt8(ascii: "{")) else {
      try json.skipValue()
      return false
    }
    try json.beginObject()
    var isFirstKey = true
    while let key = try json.nextKey(isFirst: isFirstKey) {
      isFirstKey = false
      guard key == "list", json.nextValueStarts(with: UInt8(ascii: "[")) else {
        try json.skipValue()
        continue
      }
      try json.beginArray()
      var isFirstChat = true
      while try json.hasElement(isFirst: isFirstChat) {
        isFirstChat = false
        if try enterChatIfChosen() { return true }
      }
    }
    return false
  }

  /// Reads a chat of a whole-account export up to its messages, and begins
  /// them if it is the one asked for; otherwise steps over it.
  private func enterChatIfChosen() throws -> Bool {
    guard json.nextValueStarts(with: UInt8(ascii: "{")) else {
      try json.skipValue()
      return false
    }
    let line = json.line
    try json.beginObject()
    var (name, type, id): (String?, String?, String?) = (nil, nil, nil)
    var messages = 0
    var isFirst = true
    while let key = try json.nextKey(isFirst: isFirst) {
      isFirst = false
      switch key {
      case "messages" where json.nextValueStarts(with: UInt8(ascii: "[")):
        if let chat, chat == id || chat == name {
          if hasChosenChat {
            // Two people of one name are common; which chat was meant
            // cannot be guessed, and reading the first would be a silent
            // choice.
            throw json.error(
              "'\(chat)' names more than one chat: \(Self.describe(name: chatName, id: chatID)) and \(Self.describe(name: name, id: id)); choose one with --chat ID",
              line: line)
          }
          hasChosenChat = true
          (chatName, chatType, chatID) = (name, type, id)
          try json.beginArray()
          return true
        }
        try json.beginArray()
        while try json.hasElement(isFirst: messages == 0) {
          try json.skipValue()
          messages += 1
        }
      case "name": name = try json.readValue().string
      case "type": type = try json.readValue().string
      case "id": id = Self.text(of: try json.readValue())
      default: try json.skipValue()
      }
    }
    chatsMet.append((name, id, messages))
    return false
  }

  /// Steps over the rest of the chosen chat, of its list and of its
  /// section, after its messages; the chats after it are read as far as
  /// their names and ids, to find another that `chat` names.
  private func leaveChosenChat() throws {
    while try json.nextKey(isFirst: false) != nil { try json.skipValue() }
    while try json.hasElement(isFirst: false) {
      _ = try enterChatIfChosen()
    }
    while try json.nextKey(isFirst: false) != nil { try json.skipValue() }
    isInAccount = false
  }

  /// Steps over the messages not read yet and reads the rest of the file,
  /// as ``next()`` does at the end of the chosen chat: for an import that
  /// needs no messages (its file is unchanged) but must still refuse a
  /// `chat` that names two chats.
  ///
  /// - Throws: `ImportError.json` for malformed JSON and for a second chat
  ///   that `chat` names.
  public func readToEnd() throws {
    while isInMessages {
      guard try json.hasElement(isFirst: !hasReadMessage) else {
        isInMessages = false
        break
      }
      hasReadMessage = true
      try json.skipValue()
    }
    while try next() != nil {}
  }

  /// The next ordinary message, or `nil` at the end of the export.
  ///
  /// - Throws: `ImportError.json` for malformed JSON and for a message
  ///   without an id or a date.
  public func next() throws -> TelegramMessage? {
    while !isDone {
      guard isInMessages else {
        if isInAccount { try leaveChosenChat() }
        // Members after the messages, then the end. A later section of a
        // whole-account export may hold another chat of the name asked for.
        while let key = try json.nextKey(isFirst: false) {
          if isAccountExport, key == "chats" || key == "left_chats" {
            _ = try enterChosenChat()
          } else {
            try json.skipValue()
          }
        }
        try json.end()
        isDone = true
        return nil
      }
      guard try json.hasElement(isFirst: !hasReadMessage) else {
        isInMessages = false
        continue
      }
      hasReadMessage = true
      let line = json.line
      let value = try json.readValue()
      if let message = try message(from: value, line: line) {
        messageCount += 1
        return message
      }
      skipped += 1
    }
    return nil
  }

  /// A message element as a message; `nil` for one that is not an ordinary
  /// message.
  private func message(from value: JSONValue, line: Int) throws
    -> TelegramMessage?
  {
    guard case .object = value else {
      throw json.error("a message that is not an object", line: line)
    }
    guard value["type"]?.string == "message" else { return nil }
    guard let id = value["id"].flatMap(Self.text(of:)), !id.isEmpty else {
      throw json.error("a message without an id", line: line)
    }
    // `2024-03-01T10:02:40`, the exporter's local time.
    guard let stamp = value["date"]?.string,
      let (date, time) = Self.dateAndTime(stamp)
    else {
      throw json.error(
        "message \(id) has no date of the form 2024-03-01T10:02:40", line: line)
    }
    let speaker =
      value["from"]?.string ?? value["from_id"].flatMap(Self.text(of:))
      ?? "unknown"
    var text = Self.plainText(of: value["text"])
    if let redactor {
      let (redacted, counts) = redactor.redact(text)
      text = redacted
      redactions += counts
    }
    var attributes: [(name: String, value: String)] = [
      ("chat", chatName ?? ""), ("chat_type", chatType ?? ""),
      ("hour", String(time.prefix(2))),
    ]
    if let media = value["media_type"]?.string {
      attributes.append(("media", media))
    } else if value["photo"] != nil {
      attributes.append(("media", "photo"))
    } else if value["file"] != nil {
      attributes.append(("media", "file"))
    }
    if let forwarded = value["forwarded_from"]?.string {
      attributes.append(("forwarded_from", forwarded))
    }
    // Whether it answers another message, not which: an attribute is
    // counted per value, and a million messages' tally by the message
    // replied to grew to millions of rows (code auto 4 s slower).
    if value["reply_to_message_id"] != nil {
      attributes.append(("reply", "yes"))
    }
    return TelegramMessage(
      id: id, line: line, date: date, time: time, speaker: speaker,
      text: text, attributes: attributes)
  }

  /// A string or a number as text.
  private static func text(of value: JSONValue) -> String? {
    switch value {
    case .string(let text), .number(let text): return text
    default: return nil
    }
  }

  /// The day and time of `2024-03-01T10:02:40` (or `…T10:02`): a date on
  /// the calendar, hours below 24, minutes below 60, seconds below 61.
  ///
  /// Read as bytes: through `split` and `Substring`, the check took a
  /// tenth of the reading thread's time.
  static func dateAndTime(_ stamp: String) -> (CalendarDate, String)? {
    var stamp = stamp
    return stamp.withUTF8 { bytes -> (CalendarDate, String)? in
      guard bytes.count == 16 || bytes.count == 19,
        bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
        bytes.count == 16 || bytes[16] == UInt8(ascii: ":")
      else { return nil }
      /// The two digits at `index` as a number.
      func number(at index: Int) -> Int? {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(bytes[index]), digits.contains(bytes[index + 1])
        else { return nil }
        return Int(bytes[index] - UInt8(ascii: "0")) * 10
          + Int(bytes[index + 1] - UInt8(ascii: "0"))
      }
      guard let hour = number(at: 11), hour < 24,
        let minute = number(at: 14), minute < 60,
        bytes.count == 16 || (number(at: 17).map { $0 < 61 } ?? false),
        let date = CalendarDate(
          parsing: String(
            decoding: UnsafeBufferPointer(rebasing: bytes[..<10]), as: UTF8.self
          ))
      else { return nil }
      return (
        date,
        String(
          decoding: UnsafeBufferPointer(rebasing: bytes[11...]), as: UTF8.self)
      )
    }
  }

  /// A message's `text` as plain text: a string, or an array of strings and
  /// parts with a `text`.
  static func plainText(of value: JSONValue?) -> String {
    switch value {
    case .string(let text): return text
    case .array(let parts):
      return parts.map { part in
        part.string ?? part["text"]?.string ?? ""
      }.joined()
    default: return ""
    }
  }
}
