!BAT
:: connect until the stick's marker shows up, at most 30 times, a second apart
set /a tries=0
:again
connect
find --set-root /usb-marker.txt > nul && exit 0
set /a tries=tries+1
if %tries%==30 echo connect_usb: no stick after 30 connects && exit 1
pause --wait=1 > nul
goto :again
