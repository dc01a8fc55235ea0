import ArgumentParser
import Foundation
import SpotifyWebAPI

/// `encore player …`: see and control what plays (Spotify Premium).
struct PlayerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "player", abstract: "See and control your player (needs Spotify Premium).",
        discussion: """
            Reading needs user-read-playback-state, commands user-modify-playback-state:
              encore login --scope user-read-playback-state --scope user-modify-playback-state

            Examples:
              encore player status
              encore player devices
              encore player play spotify:album:4aawyAB9vmqN3uQ7FjRGTy --device 0d1841b0976bae2a3a310dd74c0f3df354899bc8
              encore player queue spotify:track:4uLU6hMCjMI75M1A2tKUQC
              encore player volume 40
            """,
        subcommands: [
            Status.self, Devices.self, Play.self, Pause.self, Next.self, Previous.self, Seek.self, Volume.self, Shuffle.self, Repeat.self, Queue.self,
        ],
        defaultSubcommand: Status.self
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "What plays, where.")
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                guard let state = try await SignedInSession.load().client.playbackState() else {
                    print("Nothing is playing: no device is active.")
                    return
                }
                if format == .json { return try Output.emitOne(state) }
                let item =
                    state.item.map { "\($0.name) (\(TopCommand.duration(state.progressMs ?? 0)) of \(TopCommand.duration($0.durationMs)))" } ?? "—"
                try Output.emit([state], format: format, headers: ["State", "Item", "Device", "Repeat", "Shuffle"]) { _, state in
                    [
                        state.isPlaying ? "playing" : "paused", item, state.device.name, state.repeatState ?? "",
                        state.shuffleState == true ? "on" : "off",
                    ]
                }
            }
        }
    }

    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "devices", abstract: "List your devices.")
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let devices = try await SignedInSession.load().client.availableDevices()
                try Output.emit(devices, format: format, headers: ["Name", "Type", "Active", "Volume", "ID"]) { _, device in
                    [device.name, device.type, device.isActive ? "yes" : "", device.volumePercent.map(String.init) ?? "—", device.id ?? ""]
                }
            }
        }
    }

    struct Play: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "play", abstract: "Play an album, playlist, artist or show, or tracks and episodes; nothing resumes.")
        @Argument(help: "One context URI, or track and episode URIs.") var items: [String] = []
        @Option(help: "The device to play on (from `encore player devices`).") var device: String?

        func run() async throws {
            try await runReportingFailures {
                let uris = try items.map(SpotifyURI.init)
                let spotify = try SignedInSession.load().client
                if let first = uris.first, uris.count == 1, [.album, .playlist, .artist, .show].contains(first.type) {
                    try await spotify.play(context: first, deviceID: device)
                } else {
                    try await spotify.play(items: uris.isEmpty ? nil : uris, deviceID: device)
                }
                print(uris.isEmpty ? "Resumed." : "Playing.")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause.")
        func run() async throws { try await control("Paused.") { try await $0.pause() } }
    }

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "next", abstract: "Skip to the next item.")
        func run() async throws { try await control("Skipped.") { try await $0.skipToNext() } }
    }

    struct Previous: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "previous", abstract: "Go back (or to the start of the item).")
        func run() async throws { try await control("Back.") { try await $0.skipToPrevious() } }
    }

    struct Seek: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "seek", abstract: "Jump to a position: seconds, or M:SS.")
        @Argument(help: "Where, such as 90 or 1:30.") var position: String

        func run() async throws {
            let parts = position.split(separator: ":").map { Int($0) }
            guard !parts.isEmpty, parts.count <= 2, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw ValidationError("the position is seconds or M:SS, such as 90 or 1:30")
            }
            let seconds = parts.reduce(0) { $0 * 60 + ($1 ?? 0) }
            try await control("At \(TopCommand.duration(seconds * 1000)).") { try await $0.seek(toMs: seconds * 1000) }
        }
    }

    struct Volume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "volume", abstract: "Set the volume, 0–100.")
        @Argument(help: "0–100.") var percent: Int
        func validate() throws { guard (0...100).contains(percent) else { throw ValidationError("the volume is 0–100") } }
        func run() async throws { try await control("Volume \(percent) %.") { try await $0.setVolume(percent) } }
    }

    struct Shuffle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "shuffle", abstract: "Turn shuffle on or off.")
        @Argument(help: "on or off.") var state: String
        func validate() throws { guard state == "on" || state == "off" else { throw ValidationError("shuffle is on or off") } }
        func run() async throws { try await control("Shuffle \(state).") { try await $0.setShuffle(state == "on") } }
    }

    struct Repeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "repeat", abstract: "Repeat the track, the context, or nothing.")
        @Argument(help: "track, context or off.") var mode: String
        func validate() throws { guard RepeatMode(rawValue: mode) != nil else { throw ValidationError("repeat is track, context or off") } }
        func run() async throws { try await control("Repeat \(mode).") { try await $0.setRepeat(RepeatMode(rawValue: mode) ?? .off) } }
    }

    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "queue", abstract: "Show the queue, or add an item to it.")
        @Argument(help: "A track or episode to add.") var item: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let spotify = try SignedInSession.load().client
                if let item {
                    try await spotify.addToQueue(try SpotifyURI(item))
                    print("Queued.")
                    return
                }
                let queue = try await spotify.queue()
                let rows = (queue.currentlyPlaying.map { [$0] } ?? []) + queue.queue
                try Output.emit(rows, format: format, headers: ["", "Item", "Length", "URI"]) { index, item in
                    [index == 0 && queue.currentlyPlaying != nil ? "now" : String(index), item.name, TopCommand.duration(item.durationMs), item.uri]
                }
            }
        }
    }
}

/// One player command, with its confirmation.
private func control(_ done: String, _ command: (SpotifyClient<TokenManager>) async throws -> Void) async throws {
    try await runReportingFailures {
        try await command(try SignedInSession.load().client)
        print(done)
    }
}
