!BAT
:: check.bat DRIVE NAME: the markers of the 10 GiB image on DRIVE, each on a
:: line "scale: NAME WHERE=" followed by what was read.
echo scale: %2 5gib=
cat --length=16 %110485760+1
echo
echo scale: %2 last-data=
cat --length=16 %120971486+1
echo
echo scale: %2 last-block=
cat --length=8 %120971519+1
echo
