!BAT
echo stray.bat: runs
}
echo stray.bat: went on
