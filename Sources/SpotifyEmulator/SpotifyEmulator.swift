enum EmulatorPlaceholder {}
