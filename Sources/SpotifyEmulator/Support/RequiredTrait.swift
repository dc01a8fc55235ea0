// SpotifyEmulator serves with Hummingbird, which Encore's package fetches only with the
// "Emulator" trait (on by default; docs/library.md, "Cheap to adopt").
#if !Emulator
    #error("SpotifyEmulator needs the Encore package's \"Emulator\" trait: depend on it with traits: [\"Emulator\"]")
#endif
