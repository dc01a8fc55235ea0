import Foundation
import Hummingbird
import NIOCore

/// The JSON bodies the Web API takes. Fields are read as Spotify reads them: one of the wrong
/// type counts as absent (the route then answers its own 400 for it), never as a failure to
/// read the whole body.
extension KeyedDecodingContainer {
    func lenient<T: Decodable>(_ key: Key, as type: T.Type = T.self) -> T? {
        (try? decodeIfPresent(T.self, forKey: key)) ?? nil
    }
}

extension WebAPIController {
    /// The request's JSON object as `T`, or Spotify's 400 "Error parsing JSON.".
    /// - Parameter emptyIsObject: whether an empty body reads as `{}` (optional bodies).
    static func body<T: Decodable>(_ type: T.Type, _ request: Request, emptyIsObject: Bool = true, limit: Int = 256 * 1024) async throws -> T {
        let body = try await request.body.collect(upTo: limit)
        let data = body.readableBytes == 0 && emptyIsObject ? Data("{}".utf8) : Data(buffer: body)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Error parsing JSON."))
        }
    }
}

/// `POST /me/playlists` and `PUT /playlists/{id}`.
struct PlaylistDetailsBody: Decodable {
    var name: String?
    var isPublic: Bool?
    var collaborative: Bool?
    var description: String?

    enum CodingKeys: String, CodingKey {
        case name, isPublic = "public", collaborative, description
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        name = fields.lenient(.name)
        isPublic = fields.lenient(.isPublic)
        collaborative = fields.lenient(.collaborative)
        description = fields.lenient(.description)
    }
}

/// `PUT /me/player/play`.
struct PlaybackBody: Decodable {
    struct Offset: Decodable {
        var position: Int?
        var uri: String?

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            position = fields.lenient(.position)
            uri = fields.lenient(.uri)
        }

        enum CodingKeys: String, CodingKey { case position, uri }
    }

    var contextURI: String?
    var uris: [String]?
    var offset: Offset?
    /// 0 when absent; -1 when present but not a whole number Swift can hold (refused, not read as 0).
    var positionMs: Int

    enum CodingKeys: String, CodingKey {
        case contextURI = "context_uri", uris, offset, positionMs = "position_ms"
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        contextURI = fields.lenient(.contextURI)
        uris = fields.lenient(.uris)
        offset = fields.lenient(.offset)
        positionMs = fields.contains(.positionMs) ? fields.lenient(.positionMs) ?? -1 : 0
    }
}

/// `PUT /me/player`.
struct TransferBody: Decodable {
    var deviceIDs: [String]?
    var play: Bool?

    enum CodingKeys: String, CodingKey {
        case deviceIDs = "device_ids", play
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        deviceIDs = fields.lenient(.deviceIDs)
        play = fields.lenient(.play)
    }
}

/// `PUT /playlists/{id}/items`: new items, or a range to move.
struct ReorderBody: Decodable {
    var uris: [String]?
    var rangeStart: Int?
    var insertBefore: Int?
    var rangeLength: Int?

    enum CodingKeys: String, CodingKey {
        case uris, rangeStart = "range_start", insertBefore = "insert_before", rangeLength = "range_length"
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        uris = fields.lenient(.uris)
        rangeStart = fields.lenient(.rangeStart)
        insertBefore = fields.lenient(.insertBefore)
        rangeLength = fields.lenient(.rangeLength)
    }
}

/// `DELETE /playlists/{id}/items`: `items` (or the older `tracks`), each naming a `uri`.
struct RemoveItemsBody: Decodable {
    struct Entry: Decodable {
        var uri: String?

        init(from decoder: any Decoder) throws {
            uri = try decoder.container(keyedBy: CodingKeys.self).lenient(.uri)
        }

        enum CodingKeys: String, CodingKey { case uri }
    }

    var entries: [Entry]?

    enum CodingKeys: String, CodingKey { case items, tracks }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        entries = fields.contains(.items) ? fields.lenient(.items) : fields.lenient(.tracks)
    }
}

/// `POST /playlists/{id}/items`: `{"uris": […], "position": n}`, or a bare array of URIs
/// (spotipy sends that, and Spotify takes it).
struct AddItemsBody: Decodable {
    var uris: [String]?
    var position: Int?
    /// Whether the body was the bare array, whose position comes from the query.
    var isBareList = false

    enum CodingKeys: String, CodingKey { case uris, position }

    init(from decoder: any Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode([String].self) {
            uris = list
            isBareList = true
            return
        }
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        uris = fields.lenient(.uris)
        position = fields.lenient(.position)
    }
}
