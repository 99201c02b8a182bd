!BAT
# A small batch file: arguments, a subroutine, a loop and a block.
echo demo.bat was called as %~nx0 with: %*
setlocal
set n=0
:loop
set /a n=%n%+1
call :show %n%
if %n%<=2 goto loop
if exist /efi/grub/menu.lst {
    echo menu.lst is there
} else {
    echo menu.lst is missing
}
endlocal
pause Press any key to go back to the menu...
goto :eof

:show
echo   round %1
goto :eof
