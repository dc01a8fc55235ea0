/// A browse category, such as a genre or a mood.
public struct Category: Codable, Sendable, Hashable {
    /// The category ID, such as `dinner`.
    public var id: String
    /// The name shown.
    public var name: String
    /// Icons, widest first.
    public var icons: [SpotifyImage]
    /// The API link.
    public var href: String?
}

/// Playlists Spotify features, with the headline it gives them.
public struct FeaturedPlaylists: Codable, Sendable {
    /// The headline, such as "Popular Playlists".
    public var message: String?
    /// The playlists (editorial ones are gone for most apps since November 2024).
    public var playlists: Page<Playlist>
}

/// A track's audio features.
public struct AudioFeatures: Codable, Sendable, Hashable {
    /// The track's ID.
    public var id: TrackID
    /// 0…1, how acoustic.
    public var acousticness: Double?
    /// 0…1, how suitable for dancing.
    public var danceability: Double?
    /// 0…1, how intense.
    public var energy: Double?
    /// 0…1, how likely there are no vocals.
    public var instrumentalness: Double?
    /// The key, 0 = C … 11 = B, −1 when unknown.
    public var key: Int?
    /// 0…1, how likely it was played live.
    public var liveness: Double?
    /// Average loudness in dB, usually −60…0.
    public var loudness: Double?
    /// 1 major, 0 minor.
    public var mode: Int?
    /// 0…1, how much of it is speech.
    public var speechiness: Double?
    /// Beats per minute.
    public var tempo: Double?
    /// Beats per bar, 3…7.
    public var timeSignature: Int?
    /// 0…1, how positive it sounds.
    public var valence: Double?
    /// Length in milliseconds.
    public var durationMs: Int?

    enum CodingKeys: String, CodingKey {
        case id, acousticness, danceability, energy, instrumentalness, key, liveness, loudness, mode, speechiness, tempo, valence
        case timeSignature = "time_signature"
        case durationMs = "duration_ms"
    }
}

/// A track's structure: bars, beats, sections, segments and tatums.
public struct AudioAnalysis: Codable, Sendable, Hashable {
    /// A stretch of the track, in seconds.
    public struct Interval: Codable, Sendable, Hashable {
        /// Seconds from the track's start.
        public var start: Double
        /// Seconds.
        public var duration: Double
        /// How sure the analysis is of it, 0…1.
        public var confidence: Double?
    }

    /// A section: a stretch with its own tempo, key and loudness.
    public struct Section: Codable, Sendable, Hashable {
        /// Seconds from the track's start.
        public var start: Double
        /// Seconds.
        public var duration: Double
        /// Average loudness, in decibels.
        public var loudness: Double?
        /// Beats per minute.
        public var tempo: Double?
        /// Pitch class, 0 = C … 11 = B; -1 when none was found.
        public var key: Int?
        /// 1 major, 0 minor, -1 when none was found.
        public var mode: Double?
        /// Beats per bar, 3…7.
        public var timeSignature: Int?

        enum CodingKeys: String, CodingKey {
            case start, duration, loudness, tempo, key, mode
            case timeSignature = "time_signature"
        }
    }

    /// A short sound of even timbre, the analysis's finest unit.
    public struct Segment: Codable, Sendable, Hashable {
        /// Seconds from the track's start.
        public var start: Double
        /// Seconds.
        public var duration: Double
        /// How sure the analysis is of it, 0…1.
        public var confidence: Double?
        /// Decibels at the segment's start.
        public var loudnessStart: Double?
        /// The loudest point's level, in decibels, and its offset into the segment, in seconds.
        public var loudnessMax: Double?
        /// Seconds into the segment of its loudest point.
        public var loudnessMaxTime: Double?
        /// Decibels at the end; only the track's last segment says it.
        public var loudnessEnd: Double?
        /// The strength of each of the 12 pitch classes (C, C♯, …, B), 0…1.
        public var pitches: [Double]
        /// Twelve unbounded timbre coefficients, the first being loudness.
        public var timbre: [Double]

        enum CodingKeys: String, CodingKey {
            case start, duration, confidence, pitches, timbre
            case loudnessStart = "loudness_start"
            case loudnessMax = "loudness_max"
            case loudnessMaxTime = "loudness_max_time"
            case loudnessEnd = "loudness_end"
        }
    }

    /// How the analysis was made.
    public struct Meta: Codable, Sendable, Hashable {
        /// The analyzer's version.
        public var analyzerVersion: String?
        /// Where it ran.
        public var platform: String?
        /// What happened, in words (`OK` when it succeeded).
        public var detailedStatus: String?
        /// 0 when the analysis succeeded.
        public var statusCode: Int?
        /// When the analysis ran, in Unix seconds.
        public var timestamp: Int?
        /// Seconds the analysis took.
        public var analysisTime: Double?
        /// How the audio was read.
        public var inputProcess: String?

        enum CodingKeys: String, CodingKey {
            case platform, timestamp
            case analyzerVersion = "analyzer_version"
            case detailedStatus = "detailed_status"
            case statusCode = "status_code"
            case analysisTime = "analysis_time"
            case inputProcess = "input_process"
        }
    }

    /// The whole track's figures; the fingerprint strings (codestring, echoprint and the like)
    /// are left out, as nothing public reads them.
    public struct Summary: Codable, Sendable, Hashable {
        /// How many samples were analysed.
        public var numSamples: Int?
        /// Seconds.
        public var duration: Double?
        /// Always empty in Spotify's answers.
        public var sampleMD5: String?
        /// Where the analysis window starts, in seconds.
        public var offsetSeconds: Double?
        /// How long the window is, in seconds (0: the whole track).
        public var windowSeconds: Double?
        /// Samples per second of the analysed audio.
        public var analysisSampleRate: Int?
        /// How many channels were analysed.
        public var analysisChannels: Int?
        /// Seconds into the track where the fade-in ends.
        public var endOfFadeIn: Double?
        /// Seconds into the track where the fade-out starts.
        public var startOfFadeOut: Double?
        /// Average loudness, in decibels.
        public var loudness: Double?
        /// Beats per minute.
        public var tempo: Double?
        /// How sure the analysis is of the tempo, 0…1.
        public var tempoConfidence: Double?
        /// Beats per bar, 3…7.
        public var timeSignature: Int?
        /// How sure the analysis is of the time signature, 0…1.
        public var timeSignatureConfidence: Double?
        /// Pitch class, 0 = C … 11 = B; -1 when none was found.
        public var key: Int?
        /// How sure the analysis is of the key, 0…1.
        public var keyConfidence: Double?
        /// 1 major, 0 minor.
        public var mode: Int?
        /// How sure the analysis is of the mode, 0…1.
        public var modeConfidence: Double?

        enum CodingKeys: String, CodingKey {
            case duration, loudness, tempo, key, mode
            case numSamples = "num_samples"
            case sampleMD5 = "sample_md5"
            case offsetSeconds = "offset_seconds"
            case windowSeconds = "window_seconds"
            case analysisSampleRate = "analysis_sample_rate"
            case analysisChannels = "analysis_channels"
            case endOfFadeIn = "end_of_fade_in"
            case startOfFadeOut = "start_of_fade_out"
            case tempoConfidence = "tempo_confidence"
            case timeSignature = "time_signature"
            case timeSignatureConfidence = "time_signature_confidence"
            case keyConfidence = "key_confidence"
            case modeConfidence = "mode_confidence"
        }
    }

    /// How the analysis was made.
    public var meta: Meta?
    /// The whole track's figures.
    public var track: Summary?
    /// Bars: groups of beats.
    public var bars: [Interval]
    /// Beats: the pulse a listener would tap along to.
    public var beats: [Interval]
    /// Sections: verse, chorus, bridge and the like.
    public var sections: [Section]
    /// Segments: short sounds of even timbre.
    public var segments: [Segment]
    /// Tatums: the smallest regular pulse.
    public var tatums: [Interval]
}

/// Tracks recommended from seeds, and how each seed fared.
public struct Recommendations: Codable, Sendable, Hashable {
    /// One seed and the pool sizes it gave.
    public struct Seed: Codable, Sendable, Hashable {
        /// The seed's ID, or the genre's name.
        public var id: String
        /// `ARTIST`, `TRACK` or `GENRE`.
        public var type: String
        /// How many tracks the seed offered before filtering.
        public var initialPoolSize: Int?
        /// After the tunable filters.
        public var afterFilteringSize: Int?
    }

    /// Each seed asked for, with the pool sizes it gave.
    public var seeds: [Seed]
    /// The recommended tracks.
    public var tracks: [Track]
}
