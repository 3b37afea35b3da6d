@echo off
rem FER Studio on Windows: installs dependencies on the first run, then starts the desktop app.
rem Usage: run.bat          desktop app
rem        run.bat --web    the same app in your browser at http://127.0.0.1:5178
setlocal
cd /d "%~dp0"
where node >nul 2>nul
if errorlevel 1 (
  echo FER Studio needs Node.js 22.12 or newer, an LTS line 22 or 24: https://nodejs.org/
  pause
  exit /b 1
)
if not exist node_modules (
  echo First run: installing dependencies, this takes a few minutes...
  rem npm 10, bundled with Node 22, ignores allowScripts: keep onnxruntime-node from downloading CUDA libraries.
  set ONNXRUNTIME_NODE_INSTALL=skip
  call npm install
  if errorlevel 1 (
    echo npm install failed; see the messages above.
    pause
    exit /b 1
  )
)
if /i "%~1"=="--web" (
  call npm run web
) else (
  call npm start
)
if errorlevel 1 pause
