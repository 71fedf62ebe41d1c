import './styles.css';
import './screens/boxscore.css'; // the box score, measures, values, import and reasons screens
import './screens/huddle.css'; // huddle mode and the huddle summary (their screens load later: routes/huddles.js)
import './screens/board.css'; // the team's board (its screens load later: routes/board.js)
import './screens/improvement.css'; // the ideas, PICK chart, idea and actions screens
import './screens/coaching.css'; // the caseload, a team's fidelity and protected time, and its weekly rota
import './screens/boards.css'; // board and national views and the board report
import './screens/admin.css'; // administration: boards, teams, people, import, the audit log
import { startApp } from './app.js';

startApp(document.getElementById('app')).catch((err) => {
  console.error(err);
  document.getElementById('app').textContent = 'Valueboard could not start in this browser. Try reloading the page.';
});
