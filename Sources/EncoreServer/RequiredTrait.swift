// The app's storage, templates and metrics come with the Encore package's "App" trait (on by
// default; docs/library.md, "Cheap to adopt").
#if !App
    #error("EncoreServer needs the Encore package's \"App\" trait, which is on by default")
#endif
