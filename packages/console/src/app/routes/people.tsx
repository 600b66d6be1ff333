import { PeoplePage } from '../../features/people/components/people-page.js';

export default function PeopleRoute() {
  return <PeoplePage />;
}
