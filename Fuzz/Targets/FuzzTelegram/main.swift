import Foundation
import FuzzSupport
import QDAImport

/// Telegram exports: any bytes read as a chat's result.json.
///
/// Beyond not crashing, two checks:
/// - what is read is well formed: ids, ascending lines, an hour of two
///   digits, no NUL in a text;
/// - JSON that Foundation parses is JSON to qda's own reader too (bar
///   Telegram's `\x`, which only qda reads, and nesting deeper than qda's
///   limit): a failure must then be about the export, not its syntax, and a
///   success must count the messages Foundation sees;
/// - read as a whole-account export for the chat `7` (the seeds' id), the
///   chat's messages are well formed too, or the failure an `ImportError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelegram(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path = InputFile.write(start, count, extension: "json")
  var messages: [TelegramMessage] = []
  var reader: TelegramExportReader?
  var failure: ImportError?
  do {
    reader = try TelegramExportReader(path: path)
    while let message = try reader?.next() { messages.append(message) }
  } catch let error as ImportError {
    failure = error
  } catch {
    fatalError("not an ImportError: \(error)")
  }
  var chosen: [TelegramMessage] = []
  do {
    let account = try TelegramExportReader(path: path, chat: "7")
    while let message = try account.next() { chosen.append(message) }
  } catch is ImportError {
  } catch {
    fatalError("not an ImportError: \(error)")
  }
  for messages in [messages, chosen] { check(messages) }
  let data = Data(bytes: start, count: count)
  guard
    !data.contains(UInt8(ascii: "\\"))
      || !String(decoding: data, as: UTF8.self).contains("\\x"),
    let object = try? JSONSerialization.jsonObject(with: data, options: [])
      as? [String: Any]
  else { return 0 }
  if let failure {
    // What may fail in JSON that parses: the export's content, not its
    // syntax.
    let content = [
      "no 'messages' in this JSON", "a whole-account export",
      "has no date of the form", "a message without an id",
      "a message that is not an object", "expected a Telegram export",
      "nested over",
    ]
    let message = failure.description
    if !content.contains(where: message.contains) {
      fatalError("Foundation parses what qda refused: \(message)")
    }
    return 0
  }
  guard let elements = object["messages"] as? [[String: Any]],
    object["chats"] == nil, object["left_chats"] == nil
  else { return 0 }
  let ordinary = elements.filter { $0["type"] as? String == "message" }.count
  precondition(
    messages.count == ordinary && reader?.skipped == elements.count - ordinary,
    "\(messages.count) messages and \(reader?.skipped ?? -1) skipped of \(elements.count)"
  )
  return 0
}

/// Checks that messages read are well formed: ids, ascending lines, an hour
/// of two digits, no NUL in a text.
func check(_ messages: [TelegramMessage]) {
  var line = 0
  for message in messages {
    precondition(!message.id.isEmpty, "a message without an id")
    precondition(message.line >= line, "lines out of order")
    line = message.line
    let hour = message.attributes.first { $0.name == "hour" }?.value
    precondition(
      hour.flatMap(Int.init).map { (0..<24).contains($0) } == true
        && hour?.count == 2, "hour \(hour ?? "none")")
    precondition(!message.text.unicodeScalars.contains("\0"), "a NUL in a text")
  }
}
